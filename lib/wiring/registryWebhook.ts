/**
 * The registry webhook's composition: its configuration (the queue, the SSM names of each
 * registry's signing secrets, the table that keeps Databricks delivery receipts and their age
 * window) and the adapters it runs with.
 *
 * @example
 *   const deps = registryWebhookDeps(); // reads PROMOTION_QUEUE_URL, MLFLOW_/DATABRICKS_WEBHOOK_SECRETS_PARAM, TABLE_NAME
 */
import * as z from 'zod/mini';
import { DynamoWebhookReceipts } from '../adapters/store/dynamoWebhookReceipts';
import type { RegistryWebhookDeps } from '../app/acceptRegistryEvent';
import { defaultMaxDeliveryAgeSeconds } from '../app/ingress/registryIngress';
import { readConfig } from './config';
import { dynamoDocumentClient } from './dynamoClient';
import { promotionQueue } from './ingressAdapters';
import { secretStore } from './secrets';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  MLFLOW_WEBHOOK_SECRETS_PARAM: z.string().check(z.minLength(1)),
  DATABRICKS_WEBHOOK_SECRETS_PARAM: z.string().check(z.minLength(1)),
  /** Where Databricks delivery receipts are kept (pk DELIVERY#…, 24 h TTL). */
  TABLE_NAME: z.string().check(z.minLength(1)),
  /** How far a Databricks event_timestamp may be from now before the delivery is refused. */
  DATABRICKS_MAX_AGE_SECONDS: z._default(
    z.pipe(z.string().check(z.regex(/^\d+$/)), z.transform(Number)),
    defaultMaxDeliveryAgeSeconds,
  ),
});

export function registryWebhookDeps(): RegistryWebhookDeps {
  const config = readConfig(configSchema);
  return {
    queue: promotionQueue(config.PROMOTION_QUEUE_URL),
    secrets: secretStore(),
    secretNames: {
      mlflow: config.MLFLOW_WEBHOOK_SECRETS_PARAM,
      databricks: config.DATABRICKS_WEBHOOK_SECRETS_PARAM,
    },
    receipts: new DynamoWebhookReceipts(dynamoDocumentClient(), config.TABLE_NAME),
    maxDeliveryAgeSeconds: config.DATABRICKS_MAX_AGE_SECONDS,
    now: () => new Date(),
  };
}
