/**
 * Baton's dead-letter queues on SQS, found by the deployment's queue-name prefix: a DLQ is a queue
 * that another queue's redrive policy names (its source, where redrive sends messages back), or one
 * named `…-dlq` / `…-dlq.fifo` (the notifier's SNS subscription DLQ, which no queue feeds).
 *
 * Redrive uses SQS's own move task (StartMessageMoveTask) when every message is to go back; it
 * keeps FIFO order and runs in the background. Where the API is missing (the emulator) or `max`
 * bounds the count, it moves messages itself: receive from the DLQ, send to the source (FIFO: the
 * same MessageGroupId, a fresh MessageDeduplicationId, since the original one may still be inside
 * SQS's 5-minute window and would be silently dropped), and delete only after the send succeeded.
 * A crash between the two leaves a duplicate, which the worker's business-key dedup absorbs; the
 * move is bounded by the depth it started with, so messages that fail again are not chased.
 *
 * @example
 *   const dlqs = new SqsDeadLetters(sqsClient(), 'baton-prod-');
 *   for (const q of await dlqs.queues()) console.log(q.name, q.depth);
 */
import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type {
  DeadLetterMessage,
  DeadLetterQueue,
  DeadLetterQueues,
  RedriveResult,
} from '../../domain/deadLetterPorts';
import { DeadLetterError } from './errors';

type Sqs = Pick<SQSClient, 'send'>;
interface Found {
  url: string;
  name: string;
  arn: string;
  attributes: Record<string, string>;
}

/** How long a looked-at or moving message stays hidden from others. */
const lookSeconds = 30;

const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);

export class SqsDeadLetters implements DeadLetterQueues {
  constructor(
    private readonly sqs: Sqs,
    /** The deployment's queue-name prefix, e.g. `baton-prod-`. */
    private readonly prefix: string,
    private readonly newId: () => string = randomUUID,
  ) {}

  async queues(): Promise<DeadLetterQueue[]> {
    const found = await this.all();
    const sources = new Map<string, { queue: Found; maxReceiveCount: number }>();
    for (const q of found) {
      if (!q.attributes.RedrivePolicy) continue;
      const policy = JSON.parse(q.attributes.RedrivePolicy) as {
        deadLetterTargetArn: string;
        maxReceiveCount: number;
      };
      sources.set(policy.deadLetterTargetArn, { queue: q, maxReceiveCount: Number(policy.maxReceiveCount) });
    }
    return found
      .filter((q) => sources.has(q.arn) || /-dlq(\.fifo)?$/.test(q.name))
      .map((q) => {
        const source = sources.get(q.arn);
        return {
          name: q.name,
          url: q.url,
          arn: q.arn,
          fifo: q.name.endsWith('.fifo'),
          depth: Number(q.attributes.ApproximateNumberOfMessages ?? 0),
          inFlight: Number(q.attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
          source: source
            ? {
                name: source.queue.name,
                url: source.queue.url,
                arn: source.queue.arn,
                maxReceiveCount: source.maxReceiveCount,
              }
            : null,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async peek(queue: DeadLetterQueue, limit: number): Promise<DeadLetterMessage[]> {
    const seen: Message[] = [];
    try {
      while (seen.length < limit) {
        const batch = await this.receive(queue.url, Math.min(10, limit - seen.length));
        if (!batch.length) break;
        seen.push(...batch);
      }
    } finally {
      // Visible again at once: looking consumes nothing.
      await this.release(queue.url, seen);
    }
    return seen.map((m) => ({
      messageId: m.MessageId!,
      body: m.Body ?? '',
      // SQS counts this look too; the receives before it are what the message went through.
      receiveCount: Math.max(0, Number(m.Attributes?.ApproximateReceiveCount ?? 1) - 1),
      firstReceivedAt: iso(m.Attributes?.ApproximateFirstReceiveTimestamp),
      sentAt: iso(m.Attributes?.SentTimestamp),
      ...(m.Attributes?.MessageGroupId && { groupId: m.Attributes.MessageGroupId }),
    }));
  }

  async redrive(queue: DeadLetterQueue, options: { max?: number }): Promise<RedriveResult> {
    const source = queue.source;
    if (!source) {
      throw new DeadLetterError(
        `${queue.name} is the DLQ of an SNS subscription, not of a queue: no queue to send its messages back to`,
      );
    }
    let refused: string | undefined;
    if (options.max === undefined) {
      try {
        const { TaskHandle } = await this.sqs.send(
          new StartMessageMoveTaskCommand({ SourceArn: queue.arn, DestinationArn: source.arn }),
        );
        return { method: 'move-task', moved: queue.depth, ...(TaskHandle && { taskHandle: TaskHandle }) };
      } catch (error) {
        // No move task here (the emulator answers with an error page; a role may lack the
        // permission): the bounded move below needs only Receive, Send and Delete.
        refused = `${(error as Error).name}: ${(error as Error).message.split('\n')[0]}`;
      }
    }
    const result = await this.move(queue, source.url, Math.max(0, options.max ?? queue.depth));
    return refused ? { ...result, moveTaskRefused: refused } : result;
  }

  /** Receive, send to the source, delete after the send; at most `max` messages. */
  private async move(queue: DeadLetterQueue, target: string, max: number): Promise<RedriveResult> {
    let moved = 0;
    while (moved < max) {
      const batch = await this.receive(queue.url, Math.min(10, max - moved));
      if (!batch.length) break;
      for (const [i, m] of batch.entries()) {
        try {
          await this.sqs.send(
            new SendMessageCommand({
              QueueUrl: target,
              MessageBody: m.Body ?? '',
              ...(m.MessageAttributes && { MessageAttributes: m.MessageAttributes }),
              ...(queue.fifo && {
                MessageGroupId: m.Attributes?.MessageGroupId ?? 'redrive',
                MessageDeduplicationId: `redrive-${this.newId()}`,
              }),
            }),
          );
        } catch (error) {
          await this.release(queue.url, batch.slice(i));
          return {
            method: 'move',
            moved,
            stoppedBy: `${(error as Error).name}: ${(error as Error).message}`,
          };
        }
        await this.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: m.ReceiptHandle! }),
        );
        moved += 1;
      }
    }
    return { method: 'move', moved };
  }

  private async receive(url: string, count: number): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: count,
        VisibilityTimeout: lookSeconds,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages;
  }

  private async release(url: string, messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: messages
            .slice(i, i + 10)
            .map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
        }),
      );
    }
  }

  private async all(): Promise<Found[]> {
    const urls: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.sqs.send(
        new ListQueuesCommand({ QueueNamePrefix: this.prefix, MaxResults: 1000, NextToken }),
      );
      urls.push(...(page.QueueUrls ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return Promise.all(
      urls.map(async (url) => {
        const { Attributes = {} } = await this.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
        );
        return { url, name: url.split('/').pop()!, arn: Attributes.QueueArn!, attributes: Attributes };
      }),
    );
  }
}
