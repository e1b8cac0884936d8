/**
 * The promotion queue on SQS FIFO: `MessageGroupId` = registered model (one model's events in
 * order, different models in parallel), `MessageDeduplicationId` = the sender's delivery id.
 *
 * @example
 *   const queue = new SqsEventQueue(new SQSClient({}), process.env.PROMOTION_QUEUE_URL!);
 *   await queue.enqueue(event);
 */
import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PromotionEvent } from '../../events/promotionEvent';
import { EnqueueError } from './errors';
import type { EventQueue } from './eventQueue';

/** FIFO ids allow 1–128 printable ASCII characters; anything else is hashed to fit. */
export function fifoId(value: string): string {
  return /^[\x21-\x7e]{1,128}$/.test(value) ? value : createHash('sha256').update(value).digest('hex');
}

export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(event: PromotionEvent): Promise<void> {
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(event),
          MessageGroupId: fifoId(event.model),
          MessageDeduplicationId: fifoId(
            `${event.type === 'registry' ? event.source : event.type}:${event.deliveryId}`,
          ),
        }),
      );
    } catch (error) {
      throw new EnqueueError(error);
    }
  }
}
