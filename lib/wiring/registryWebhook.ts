/**
 * The registry webhook's composition: its configuration (the queue, and the SSM names of each
 * registry's signing secrets) and the adapters it runs with.
 *
 * @example
 *   const deps = registryWebhookDeps(); // reads PROMOTION_QUEUE_URL, MLFLOW_/DATABRICKS_WEBHOOK_SECRETS_PARAM
 */
import * as z from 'zod/mini';
import type { RegistryWebhookDeps } from '../app/acceptRegistryEvent';
import { readConfig } from './config';
import { promotionQueue, secretStore } from './ingressAdapters';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  MLFLOW_WEBHOOK_SECRETS_PARAM: z.string().check(z.minLength(1)),
  DATABRICKS_WEBHOOK_SECRETS_PARAM: z.string().check(z.minLength(1)),
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
    now: () => new Date(),
  };
}
