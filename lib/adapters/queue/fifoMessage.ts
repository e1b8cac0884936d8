/**
 * The SQS FIFO message for a promotion event, used by the queue adapter (sqsEventQueue.ts): group = registered
 * model (one model's events in order), dedup id = the event's source and delivery id.
 *
 * @example
 *   sendMessageInput(queueUrl, event); // { QueueUrl, MessageBody, MessageGroupId, MessageDeduplicationId }
 */
import { createHash } from 'node:crypto';
import type { PromotionEvent } from '../../../events/promotionEvent';

/** FIFO ids allow 1–128 printable ASCII characters; anything else is hashed to fit. */
export function fifoId(value: string): string {
  return /^[\x21-\x7e]{1,128}$/.test(value) ? value : createHash('sha256').update(value).digest('hex');
}

/** The SendMessage input for an event: group = model, dedup id = source and delivery id. */
export function sendMessageInput(queueUrl: string, event: PromotionEvent) {
  return {
    QueueUrl: queueUrl,
    // SQS refuses U+FFFE and U+FFFF in a body; JSON may carry them escaped instead.
    MessageBody: JSON.stringify(event).replace(
      /[\uFFFE\uFFFF]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16)}`,
    ),
    MessageGroupId: fifoId(event.model),
    MessageDeduplicationId: fifoId(
      `${event.type === 'registry' ? event.source : event.type}:${event.deliveryId}`,
    ),
  };
}
