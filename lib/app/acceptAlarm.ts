/**
 * One alarm-queue message (a CloudWatch alarm via the alerts SNS topic) becomes an unrouted alert
 * event on the promotion queue, which the worker routes to models by their policies. A message
 * from a topic not allowed, or that is no alarm at all, is dropped with a warning (no retry could
 * make it acceptable); a failure to enqueue throws, so only this record is delivered again.
 *
 * @example
 *   await acceptAlarm({ messageId: 'm-1', body }, deps);
 */
import type { EventQueue } from '../domain/queuePorts';
import { logger } from '../log';
import { judgeAlarmMessage } from './ingress/alarmIngress';

export interface AlarmQueueDeps {
  queue: EventQueue;
  allowedTopics: readonly string[];
  now: () => Date;
}

export async function acceptAlarm(
  message: { messageId: string; body: string },
  deps: AlarmQueueDeps,
): Promise<void> {
  const verdict = judgeAlarmMessage(message.body, { allowedTopics: deps.allowedTopics, now: deps.now() });
  const context = { messageId: message.messageId, topicArn: verdict.topicArn };
  if (!verdict.event) {
    logger.warn('alarm message dropped', { ...context, ...verdict.dropped });
    return;
  }
  await deps.queue.enqueue(verdict.event);
  const { name, state, fingerprint } = verdict.event.alert;
  logger.info('queued alarm', { ...context, name, state, fingerprint });
}
