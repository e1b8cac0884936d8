/**
 * How the alarm queue's consumer judges one SQS message from the alerts topic, with no I/O: the
 * SNS envelope and its topic (or raw delivery), then the CloudWatch alarm message, into one
 * unrouted alert event. What Baton may not act on is `dropped` with a reason: the consumer
 * acknowledges it with a warning rather than retrying it until it reaches the dead-letter queue,
 * since no retry can make it acceptable. The alarm function and `baton inspect` share it.
 *
 * @example
 *   const verdict = judgeAlarmMessage(record.body, { allowedTopics, now });
 *   if (verdict.event) await queue.enqueue(verdict.event);
 */
import { normaliseCloudWatchAlarm } from '../../../events/alerts/cloudwatchAlarm';
import { unwrapSnsMessage } from '../../../events/alerts/snsEnvelope';
import { describeIssues } from '../../../events/issues';
import { type AlertEvent, promotionEventSchema, unroutedAlertEvent } from '../../../events/promotionEvent';
import type { SignatureVerdict } from './signatures';

export interface AlarmVerdict {
  /**
   * The sender's standing, in `baton inspect`'s vocabulary: `valid` for an envelope from an
   * allowed topic, `invalid` for any other topic, `absent` for raw delivery (no envelope; the
   * queue policy vouches for the sender).
   */
  signature: SignatureVerdict['status'];
  event: AlertEvent | null;
  dropped: { code: string; detail: string } | null;
  /** The envelope's TopicArn, for the logs. */
  topicArn: string | null;
}

export function judgeAlarmMessage(
  body: string,
  options: { allowedTopics: readonly string[]; now: Date },
): AlarmVerdict {
  const unwrapped = unwrapSnsMessage(body, options.allowedTopics);
  if ('dropped' in unwrapped) {
    const { code } = unwrapped.dropped;
    const signature = code === 'topic_not_allowed' ? 'invalid' : unwrapped.topicArn ? 'valid' : 'absent';
    return { signature, event: null, dropped: unwrapped.dropped, topicArn: unwrapped.topicArn };
  }
  const signature = unwrapped.delivery === 'envelope' ? 'valid' : 'absent';
  const drop = (code: string, detail: string): AlarmVerdict => ({
    signature,
    event: null,
    dropped: { code, detail },
    topicArn: unwrapped.topicArn,
  });
  const normalised = normaliseCloudWatchAlarm(unwrapped.message);
  if ('invalid' in normalised) return drop('invalid_alarm', normalised.invalid);
  const event = unroutedAlertEvent(normalised.alert, options.now.toISOString());
  // What is queued, the worker accepts: an alarm it would refuse is dropped here, not dead-lettered there.
  const checked = promotionEventSchema.safeParse(event);
  if (!checked.success) return drop('invalid_alarm', describeIssues(checked.error.issues));
  return { signature, event, dropped: null, topicArn: unwrapped.topicArn };
}
