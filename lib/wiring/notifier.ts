/**
 * The notifier's composition: its configuration (the table holding the delivery ledger; Slack's
 * bot token or webhook URL, channel and API) and the adapters it runs with.
 *
 * @example
 *   const deps = notifierDeps(); // reads TABLE_NAME, SLACK_BOT_TOKEN_PARAM or SLACK_WEBHOOK_URL_PARAM, …
 */
import * as z from 'zod/mini';
import { DynamoDeliveryLedger } from '../adapters/notify/idempotency';
import type { NotifierDeps } from '../app/deliverNotifications';
import { readConfig } from './config';
import { dynamoDocumentClient } from './dynamoClient';
import { secretStore } from './secrets';
import { slackNotifier } from './slackNotifier';

const configSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  SLACK_BOT_TOKEN_PARAM: z.optional(z.string()),
  SLACK_WEBHOOK_URL_PARAM: z.optional(z.string()),
  SLACK_CHANNEL: z._default(z.string(), ''),
  SLACK_API_URL: z._default(z.url(), 'https://slack.com/api'),
});

export function notifierDeps(): NotifierDeps {
  const config = readConfig(configSchema);
  return {
    notifier: slackNotifier(secretStore(), {
      botTokenParam: config.SLACK_BOT_TOKEN_PARAM,
      webhookUrlParam: config.SLACK_WEBHOOK_URL_PARAM,
      channel: config.SLACK_CHANNEL,
      apiUrl: config.SLACK_API_URL,
    }),
    ledger: new DynamoDeliveryLedger(dynamoDocumentClient(), config.TABLE_NAME),
  };
}
