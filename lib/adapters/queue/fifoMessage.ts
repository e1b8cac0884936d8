/**
 * The SQS FIFO message for a promotion event, used by the queue adapter (sqsEventQueue.ts): group = registered
 * model (one model's events in order), dedup id = the event's source and delivery id. An alert not yet
 * routed to a model gets a group of its own alert (source and fingerprint): one alert that keeps
 * failing holds back only its own repeats, never another alert on its way to a rollback.
 *
 * @example
 *   sendMessageInput(queueUrl, event); // { QueueUrl, MessageBody, MessageGroupId, MessageDeduplicationId }
 */
import { createHash } from 'node:crypto';
import { type PromotionEvent, unroutedAlertsGroup } from '../../../events/promotionEvent';

/** FIFO ids allow 1–128 printable ASCII characters; anything else is hashed to fit. */
export function fifoId(value: string): string {
  return /^[\x21-\x7e]{1,128}$/.test(value) ? value : createHash('sha256').update(value).digest('hex');
}

/**
 * The FIFO group of an event: its model, or for an unrouted alert `baton.alerts:<source>:<fingerprint>`
 * (the same alert redelivered keeps its group, so its firing and resolving stay in order).
 *
 * @example
 *   messageGroupOf(unroutedAlertEvent(alert, at)); // 'baton.alerts:alertmanager:3f2a…'
 */
export function messageGroupOf(event: PromotionEvent): string {
  if (event.type === 'alert' && event.model === unroutedAlertsGroup && !event.route) {
    return fifoId(`${unroutedAlertsGroup}:${event.alert.source}:${event.alert.fingerprint}`);
  }
  return fifoId(event.model);
}

/** The SendMessage input for an event: group = model (messageGroupOf), dedup id = source and delivery id. */
export function sendMessageInput(queueUrl: string, event: PromotionEvent) {
  return {
    QueueUrl: queueUrl,
    // SQS refuses U+FFFE and U+FFFF in a body; JSON may carry them escaped instead.
    MessageBody: JSON.stringify(event).replace(
      /[\uFFFE\uFFFF]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16)}`,
    ),
    MessageGroupId: messageGroupOf(event),
    MessageDeduplicationId: fifoId(
      `${event.type === 'registry' ? event.source : event.type}:${event.deliveryId}`,
    ),
  };
}
