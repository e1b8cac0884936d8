/**
 * Retraining by queue: sends the request as the JSON body of one SQS message to the policy's
 * queue. A FIFO queue (URL ending `.fifo`) gets MessageGroupId = model, so one model's requests
 * are handled in order, and MessageDeduplicationId = idempotencyKey, so a redelivered alert within
 * SQS's five-minute window does not queue a second request.
 *
 * Sends with the official SQS client (injected: lib/wiring/awsClients.ts `sqsClient`), the one
 * the promotion queue uses too.
 *
 * @example
 *   const trigger = new SqsRetrainTrigger(sqsClient(), queueUrl);
 *   await trigger.trigger(request); // { target: 'sqs', id: '5fea7756-0ea4-451a-a703-a558b933e274' }
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { describeIssues } from '../../../events/issues';
import type { RetrainReceipt, RetrainRequest, RetrainTrigger } from '../../domain/retrainPorts';
import { fifoId } from '../queue/fifoMessage';
import { RetrainResponseError, retrainError } from './errors';

const sendMessageOutput = z.object({ MessageId: z.string() });

export class SqsRetrainTrigger implements RetrainTrigger {
  readonly kind = 'sqs' as const;

  constructor(
    private readonly sqs: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
  ) {}

  async trigger(request: RetrainRequest): Promise<RetrainReceipt> {
    const fifo = new URL(this.queueUrl).pathname.endsWith('.fifo');
    let output: unknown;
    try {
      output = await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(request),
          ...(fifo && {
            MessageGroupId: fifoId(request.model),
            MessageDeduplicationId: fifoId(request.idempotencyKey),
          }),
        }),
      );
    } catch (error) {
      throw retrainError('sqs', error);
    }
    const result = sendMessageOutput.safeParse(output);
    if (!result.success) throw new RetrainResponseError('sqs', describeIssues(result.error.issues));
    return { target: 'sqs', id: result.data.MessageId };
  }
}
