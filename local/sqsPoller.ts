/**
 * What Lambda's SQS event source mapping does, on one machine: receive a batch, invoke the
 * function with Lambda's SQS event shape, delete what succeeded. Records named in
 * `batchItemFailures` (or the whole batch, when the function throws or crashes) are not deleted
 * and become visible again, so the queue's redrive policy counts them towards the DLQ.
 *
 * @example
 *   const poller = queuePoller({ sqs, queueUrl, queueArn, invoke, batchSize: 10, ... });
 *   poller.start(); … await poller.stop();
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describeDeadLetter, summarizeDeadLetter } from '../lib/app/deadLetterSummary';

export interface Poller {
  start(): void;
  stop(): Promise<void>;
}

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  reportsBatchItemFailures: boolean;
  /** Seconds before a failed record is visible again (Lambda: the queue's visibility timeout). */
  retryDelaySeconds: number;
  invoke(event: unknown): Promise<unknown>;
  log(line: string): void;
  /** The queue's redrive policy: a record that fails its last receive is logged as dead-lettered. */
  deadLetter?: { queueName: string; maxReceiveCount: number };
}

/** Lambda's SQS record for one received message. */
export function sqsRecord(message: Message, queueArn: string, region: string) {
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: message.Attributes ?? {},
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [
        key,
        {
          stringValue: value.StringValue,
          binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
          stringListValues: [],
          binaryListValues: [],
          dataType: value.DataType,
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Which receipt handles failed, from the function's response (or all, when it threw). */
function failedIds(result: unknown, messages: Message[], reportsBatchItemFailures: boolean): Set<string> {
  if (!reportsBatchItemFailures) return new Set();
  const failures = (result as { batchItemFailures?: Array<{ itemIdentifier?: string }> } | null)
    ?.batchItemFailures;
  if (!Array.isArray(failures)) return new Set();
  const known = new Set(messages.map((m) => m.MessageId!));
  const ids = new Set<string>();
  for (const failure of failures) {
    // Lambda treats an unknown or empty identifier as a failure of the whole batch.
    if (!failure.itemIdentifier || !known.has(failure.itemIdentifier)) return known;
    ids.add(failure.itemIdentifier);
  }
  return ids;
}

export function queuePoller(options: PollerOptions): Poller {
  let running = false;
  let loop: Promise<void> | undefined;
  const abort = new AbortController();

  const settle = async (
    messages: Message[],
    failed: Set<string>,
    delaySeconds = options.retryDelaySeconds,
  ) => {
    const succeeded = messages.filter((m) => !failed.has(m.MessageId!));
    const retried = messages.filter((m) => failed.has(m.MessageId!));
    if (succeeded.length) {
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    if (retried.length) {
      await options.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: retried.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle!,
            VisibilityTimeout: delaySeconds,
          })),
        }),
      );
    }
  };

  /** One invocation with these records; settles them and answers which failed. */
  const invokeWith = async (messages: Message[]): Promise<Set<string>> => {
    const event = { Records: messages.map((m) => sqsRecord(m, options.queueArn, options.region)) };
    let failed: Set<string>;
    try {
      failed = failedIds(await options.invoke(event), messages, options.reportsBatchItemFailures);
    } catch (error) {
      options.log(
        `[poller] ${options.queueArn.split(':').pop()}: invocation failed: ${(error as Error).message}`,
      );
      failed = new Set(messages.map((m) => m.MessageId!));
    }
    await settle(messages, failed);
    watchDeadLetters(messages.filter((m) => failed.has(m.MessageId!)));
    return failed;
  };

  /**
   * Batch size 1: Lambda runs one invocation per record, different FIFO groups side by side, a
   * group's next record only after the one before it. Here one receive of up to 10 is run one
   * record per invocation, in order, and a failed record's later group-mates go back unrun (as
   * skipGroupOnError would), so batch size 1 costs no extra receive per record. They go back
   * visible at once: the emulator then holds them behind the failed record, still in flight, and
   * hands them out after it (a delay of their own would let them overtake it).
   */
  const invokeEach = async (messages: Message[]) => {
    const failedGroups = new Set<string>();
    for (const m of messages) {
      const group = m.Attributes?.MessageGroupId;
      if (group !== undefined && failedGroups.has(group)) {
        await settle([m], new Set([m.MessageId!]), 0);
        watchDeadLetters([m]);
        continue;
      }
      const failed = await invokeWith([m]);
      if (failed.size > 0 && group !== undefined) failedGroups.add(group);
    }
  };

  const pollOnce = async () => {
    const { Messages: messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: options.batchSize === 1 ? 10 : Math.min(options.batchSize, 10),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    if (!messages.length) return;
    if (options.batchSize === 1) await invokeEach(messages);
    else await invokeWith(messages);
  };

  // The local DLQ watcher: SQS moves a message that failed its last receive to the DLQ, silently.
  const watchDeadLetters = (retried: Message[]) => {
    const dlq = options.deadLetter;
    if (!dlq) return;
    for (const m of retried) {
      const receives = Number(m.Attributes?.ApproximateReceiveCount ?? 0);
      if (receives < dlq.maxReceiveCount) continue;
      options.log(
        `[dlq] ${dlq.queueName} ← ${describeDeadLetter(summarizeDeadLetter(m.Body ?? ''))} (message ${m.MessageId}, receive count ${receives}): failed its last attempt; \`baton dlq list\` shows it`,
      );
    }
  };

  return {
    start() {
      running = true;
      loop = (async () => {
        while (running) {
          try {
            await pollOnce();
          } catch (error) {
            if (!running) break;
            options.log(`[poller] ${options.queueArn.split(':').pop()}: ${(error as Error).message}`);
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
      })();
    },
    async stop() {
      running = false;
      abort.abort();
      await loop;
    },
  };
}
