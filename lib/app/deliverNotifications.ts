/**
 * Notifications from the topic, delivered once each per idempotency key: an unreadable message is
 * logged and dropped (a retry cannot fix it); a failed delivery throws, so the message is retried.
 * `deliverOnce` claims the key in the delivery ledger before posting and marks it sent after, so a
 * redelivered message, or a second message with the same key, posts nothing.
 *
 * @example
 *   await deliverNotifications([{ messageId: 'm-1', message: '{"kind":"approval.requested",…}' }], deps);
 */
import { looksLikeCloudWatchAlarm } from '../../events/alerts/cloudwatchAlarm';
import { describeIssues } from '../../events/issues';
import { parseJson } from '../../events/json';
import { notificationSchema } from '../../events/notification';
import type { Notification } from '../domain/effects';
import type { DeliveryLedger, Notifier } from '../domain/ports';
import { logger } from '../log';

export interface NotifierDeps {
  notifier: Notifier;
  ledger: DeliveryLedger;
}

export type DeliveryOutcome = 'delivered' | 'duplicate';

/**
 * Claims the key, publishes, records the outcome. Throws (after releasing the claim) when the
 * publish fails, so the caller's retry can deliver.
 *
 * @example
 *   await deliverOnce(n, deps); // 'delivered'
 *   await deliverOnce(n, deps); // 'duplicate', nothing posted
 */
export async function deliverOnce(n: Notification, deps: NotifierDeps): Promise<DeliveryOutcome> {
  const claim = await deps.ledger.claim(n.idempotencyKey);
  // Delivered before: a redelivery of the same message, or a second message with the same key.
  if (claim === 'sent') return 'duplicate';
  try {
    await deps.notifier.publish(n);
  } catch (error) {
    await deps.ledger
      .release(claim)
      .catch((releaseError: unknown) =>
        logger.warn('could not release the claim; it lapses', { releaseError }),
      );
    throw error;
  }
  // Posted: failing the invocation now would post again, so a lost mark is only logged.
  await deps.ledger
    .markSent(claim)
    .catch((markError: unknown) => logger.error('delivered, but could not mark it sent', { markError }));
  return 'delivered';
}

/** Delivers each message in order; the first failed delivery throws (Lambda retries the event). */
export async function deliverNotifications(
  messages: ReadonlyArray<{ messageId: string; message: string }>,
  deps: NotifierDeps,
): Promise<void> {
  for (const { messageId, message } of messages) {
    const json = parseJson(message);
    const parsed = notificationSchema.safeParse(json.ok ? json.value : undefined);
    if (!parsed.success && json.ok && looksLikeCloudWatchAlarm(json.value)) {
      // Baton's own alarms (a dead-letter queue not empty) are announced on this topic for its
      // e-mail and pager subscribers; the Slack notifier posts Baton's notifications only.
      const { AlarmName, NewStateValue } = json.value as { AlarmName: unknown; NewStateValue: unknown };
      logger.warn('alarm on the notifications topic: for its e-mail and pager subscribers', {
        messageId,
        alarm: AlarmName,
        state: NewStateValue,
      });
      continue;
    }
    if (!parsed.success) {
      logger.error('notification dropped: not a notification', {
        messageId,
        issues: describeIssues(parsed.error.issues),
      });
      continue;
    }
    const { kind, model, version, idempotencyKey } = parsed.data;
    const context = { kind, model, version, idempotencyKey, messageId };
    try {
      logger.info(`notification ${await deliverOnce(parsed.data, deps)}`, context);
    } catch (error) {
      logger.warn('notification not delivered; Lambda retries it', { ...context, error });
      throw error;
    }
  }
}
