/**
 * Subscribed to the notifications topic: each SNS record is one notification, delivered to Slack
 * once per idempotency key (lib/app/deliverNotifications). An unreadable message is logged and
 * dropped (a retry cannot fix it); a failed delivery throws, so Lambda retries the message.
 */
import type { SNSEvent } from 'aws-lambda';
import { deliverNotifications, type NotifierDeps } from '../lib/app/deliverNotifications';
import { coldStart } from '../lib/wiring/coldStart';
import { notifierDeps } from '../lib/wiring/notifier';

export type { NotifierDeps };

export async function notify(event: SNSEvent, deps: NotifierDeps): Promise<void> {
  const messages = event.Records.map(({ Sns }) => ({ messageId: Sns.MessageId, message: Sns.Message }));
  await deliverNotifications(messages, deps);
}

const deps = coldStart(notifierDeps);
export const handler = async (event: SNSEvent): Promise<void> => notify(event, await deps());
