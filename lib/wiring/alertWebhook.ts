/**
 * The alert webhook's composition: its configuration (the queue, the SSM names of the bearer
 * token and of Grafana's HMAC secret when there is one) and the adapters it runs with.
 *
 * @example
 *   const deps = alertWebhookDeps(); // reads PROMOTION_QUEUE_URL, ALERT_WEBHOOK_TOKEN_PARAM, GRAFANA_WEBHOOK_SECRET_PARAM
 */
import * as z from 'zod/mini';
import type { AlertWebhookDeps } from '../app/acceptAlerts';
import { readConfig } from './config';
import { promotionQueue } from './ingressAdapters';
import { secretStore } from './secrets';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  ALERT_WEBHOOK_TOKEN_PARAM: z.string().check(z.minLength(1)),
  GRAFANA_WEBHOOK_SECRET_PARAM: z.optional(z.string()),
});

export function alertWebhookDeps(): AlertWebhookDeps {
  const config = readConfig(configSchema);
  return {
    queue: promotionQueue(config.PROMOTION_QUEUE_URL),
    secrets: secretStore(),
    secretNames: {
      token: config.ALERT_WEBHOOK_TOKEN_PARAM,
      grafana: config.GRAFANA_WEBHOOK_SECRET_PARAM || undefined,
    },
    now: () => new Date(),
  };
}
