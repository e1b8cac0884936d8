/**
 * What an SQS message from an SNS subscription holds, and where the alarm message is inside it.
 *
 * - Raw message delivery off (Baton's subscription, AlertsToAlarmQueue): the body is SNS's JSON
 *   envelope `{Type: 'Notification', MessageId, TopicArn, Message, Timestamp, Signature…}` and the
 *   alarm message is the string in `Message`. The TopicArn must be one of the allowed topics.
 * - Raw message delivery on: the body IS the alarm message, and there is no envelope and so no
 *   TopicArn to check. It is accepted: the alarm queue's policy (AlarmQueuePolicy in
 *   serverless.yml) lets only the alerts topic send to the queue, so the queue itself vouches for
 *   the sender. (The envelope's TopicArn is no stronger: Baton does not verify SNS signatures, so
 *   whoever could write to the queue could write any TopicArn too.)
 *
 * @example
 *   unwrapSnsMessage(record.body, ['arn:aws:sns:eu-west-1:123456789012:baton-prod-alerts']);
 *   // { message: {AlarmName: …}, delivery: 'envelope', topicArn: 'arn:aws:sns:…' }
 */
import * as z from 'zod/mini';
import { describeIssues } from '../issues';
import { parseJson } from '../json';
import { reportInput } from './alertFields';
import { looksLikeCloudWatchAlarm } from './cloudwatchAlarm';

export const snsNotificationSchema = z.looseObject({
  Type: z.string(),
  MessageId: z.optional(z.string()),
  TopicArn: z.string().check(z.minLength(1), z.maxLength(1024)),
  Subject: z.optional(z.nullable(z.string())),
  Message: z.string(),
  Timestamp: z.optional(z.string()),
  SignatureVersion: z.optional(z.string()),
  Signature: z.optional(z.string()),
  SigningCertURL: z.optional(z.string()),
  UnsubscribeURL: z.optional(z.string()),
});
export type SnsNotification = z.infer<typeof snsNotificationSchema>;

export type Unwrapped =
  | { message: unknown; delivery: 'envelope'; topicArn: string }
  | { message: unknown; delivery: 'raw'; topicArn: null }
  /** Not an alarm Baton may act on; `code` says why (topic_not_allowed, not_an_alarm, malformed_json). */
  | { dropped: { code: string; detail: string }; topicArn: string | null };

function isEnvelope(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'Type' in value && 'TopicArn' in value;
}

/** The alarm message in an SQS body from the alerts topic, with or without SNS's envelope. */
export function unwrapSnsMessage(body: string, allowedTopics: readonly string[]): Unwrapped {
  const parsed = parseJson(body);
  if (!parsed.ok) return { dropped: { code: 'malformed_json', detail: 'body is not JSON' }, topicArn: null };
  if (!isEnvelope(parsed.value)) {
    if (looksLikeCloudWatchAlarm(parsed.value))
      return { message: parsed.value, delivery: 'raw', topicArn: null };
    const detail = 'body is neither an SNS envelope nor a CloudWatch alarm message';
    return { dropped: { code: 'not_an_alarm', detail }, topicArn: null };
  }
  const envelope = snsNotificationSchema.safeParse(parsed.value, reportInput);
  if (!envelope.success) {
    const detail = `SNS envelope: ${describeIssues(envelope.error.issues)}`;
    return { dropped: { code: 'not_an_alarm', detail }, topicArn: null };
  }
  const { Type, TopicArn, Message } = envelope.data;
  if (!allowedTopics.includes(TopicArn)) {
    const detail = `TopicArn ${TopicArn} is not one of the allowed alarm topics`;
    return { dropped: { code: 'topic_not_allowed', detail }, topicArn: TopicArn };
  }
  // SubscriptionConfirmation and UnsubscribeConfirmation reach a queue subscribed across accounts.
  if (Type !== 'Notification') {
    return {
      dropped: { code: 'not_an_alarm', detail: `SNS ${Type} is not a notification` },
      topicArn: TopicArn,
    };
  }
  const message = parseJson(Message);
  if (!message.ok || !looksLikeCloudWatchAlarm(message.value)) {
    const detail = 'the SNS Message is not a CloudWatch alarm message';
    return { dropped: { code: 'not_an_alarm', detail }, topicArn: TopicArn };
  }
  return { message: message.value, delivery: 'envelope', topicArn: TopicArn };
}
