/**
 * POST /alerts/alertmanager and POST /alerts/grafana: verify (bearer token, or Grafana's HMAC
 * signature once its secret is configured), validate, normalise every alert, enqueue them all.
 * 202 `{queued: n}` once every alert is queued, 4xx for what it cannot trust or read, 503 when any
 * alert could not be queued, so the sender retries the group (dedup ids make repeats harmless).
 */
import middy from '@middy/core';
import * as z from 'zod/mini';
import { sqsClient, ssmClient } from '../lib/adapters/aws/awsClients';
import { SqsEventQueue } from '../lib/adapters/queue/sqsEventQueue';
import { type SecretStore, SsmSecretStore } from '../lib/adapters/secrets/secretStore';
import { type HttpEvent, type HttpResult, jsonResponse, rawBody } from '../lib/app/http/apiGateway';
import { httpErrorResponses } from '../lib/app/http/httpErrorResponses';
import { type AlertRoute, enqueueAll, judgeAlertRequest } from '../lib/app/ingress/alertIngress';
import type { EventQueue } from '../lib/domain/queuePorts';
import { logger } from '../lib/log';
import { readConfig } from '../lib/wiring/config';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  ALERT_WEBHOOK_TOKEN_PARAM: z.string().check(z.minLength(1)),
  GRAFANA_WEBHOOK_SECRET_PARAM: z.optional(z.string()),
});

export interface AlertWebhookDeps {
  queue: EventQueue;
  secrets: SecretStore;
  /** SSM parameter names: the bearer token(s), and Grafana's HMAC secret(s) when configured. */
  secretNames: { token: string; grafana?: string | undefined };
  now: () => Date;
}

export async function alertWebhook(event: HttpEvent, deps: AlertWebhookDeps): Promise<HttpResult> {
  const route: AlertRoute = event.rawPath.endsWith('/grafana') ? 'grafana' : 'alertmanager';
  const grafanaName = route === 'grafana' ? deps.secretNames.grafana : undefined;
  const [tokens, grafanaSecrets] = await Promise.all([
    deps.secrets.values(deps.secretNames.token),
    grafanaName ? deps.secrets.values(grafanaName) : Promise.resolve([]),
  ]);
  if (tokens.length === 0 && grafanaSecrets.length === 0)
    logger.warn('no alert webhook token configured; rejecting', { route });
  const request = { headers: event.headers, body: rawBody(event) };
  const verdict = judgeAlertRequest(route, request, { tokens, grafanaSecrets, now: deps.now() });
  if (verdict.error) throw verdict.error;
  await enqueueAll(deps.queue, verdict.events);
  const alerts = verdict.events.map(({ alert }) => `${alert.name}:${alert.state}`);
  logger.info('queued alerts', { route, queued: verdict.events.length, alerts: alerts.slice(0, 20) });
  return jsonResponse(202, { queued: verdict.events.length });
}

function defaultDeps(): AlertWebhookDeps {
  const config = readConfig(configSchema);
  return {
    queue: new SqsEventQueue(sqsClient(), config.PROMOTION_QUEUE_URL),
    secrets: new SsmSecretStore(ssmClient()),
    secretNames: {
      token: config.ALERT_WEBHOOK_TOKEN_PARAM,
      grafana: config.GRAFANA_WEBHOOK_SECRET_PARAM || undefined,
    },
    now: () => new Date(),
  };
}

let deps: AlertWebhookDeps | undefined;
export const handler = middy<HttpEvent, HttpResult>()
  .use(httpErrorResponses())
  .handler((event) => {
    deps ??= defaultDeps();
    return alertWebhook(event, deps);
  });
