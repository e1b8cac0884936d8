/**
 * Subscribed to the notifications topic: each SNS record is one notification, delivered to Slack
 * once per idempotency key (lib/adapters/notify/idempotency). An unreadable message is logged and dropped
 * (a retry cannot fix it); a failed delivery throws, so Lambda retries the message.
 */
import type { SNSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { describeIssues } from '../events/issues';
import { parseJson } from '../events/json';
import { notificationSchema } from '../events/notification';
import { ssmClient } from '../lib/adapters/aws/awsClients';
import { dynamoDocumentClient } from '../lib/adapters/aws/dynamoClient';
import { type DeliveryLedger, DynamoDeliveryLedger, deliverOnce } from '../lib/adapters/notify/idempotency';
import { slackNotifier } from '../lib/adapters/notify/slackDelivery';
import { SsmSecretStore } from '../lib/adapters/secrets/secretStore';
import type { Notifier } from '../lib/domain/ports';
import { logger } from '../lib/log';
import { readConfig } from '../lib/wiring/config';

const configSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  SLACK_BOT_TOKEN_PARAM: z.optional(z.string()),
  SLACK_WEBHOOK_URL_PARAM: z.optional(z.string()),
  SLACK_CHANNEL: z._default(z.string(), ''),
  SLACK_API_URL: z._default(z.url(), 'https://slack.com/api'),
});

export interface NotifierDeps {
  notifier: Notifier;
  ledger: DeliveryLedger;
}

export async function notify(event: SNSEvent, deps: NotifierDeps): Promise<void> {
  for (const { Sns } of event.Records) {
    const json = parseJson(Sns.Message);
    const parsed = notificationSchema.safeParse(json.ok ? json.value : undefined);
    if (!parsed.success) {
      logger.error('notification dropped: not a notification', {
        messageId: Sns.MessageId,
        issues: describeIssues(parsed.error.issues),
      });
      continue;
    }
    const { kind, model, version, idempotencyKey } = parsed.data;
    const context = { kind, model, version, idempotencyKey, messageId: Sns.MessageId };
    try {
      logger.info(`notification ${await deliverOnce(parsed.data, deps)}`, context);
    } catch (error) {
      logger.warn('notification not delivered; Lambda retries it', { ...context, error });
      throw error;
    }
  }
}

function defaultDeps(): NotifierDeps {
  const config = readConfig(configSchema);
  return {
    notifier: slackNotifier(new SsmSecretStore(ssmClient()), {
      botTokenParam: config.SLACK_BOT_TOKEN_PARAM,
      webhookUrlParam: config.SLACK_WEBHOOK_URL_PARAM,
      channel: config.SLACK_CHANNEL,
      apiUrl: config.SLACK_API_URL,
    }),
    ledger: new DynamoDeliveryLedger(dynamoDocumentClient(), config.TABLE_NAME),
  };
}

let deps: NotifierDeps | undefined;
export const handler = async (event: SNSEvent): Promise<void> => {
  deps ??= defaultDeps();
  await notify(event, deps);
};
