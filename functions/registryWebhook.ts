/**
 * POST /webhooks/mlflow and POST /webhooks/databricks: verify, validate, normalise, enqueue.
 * 202 once queued (or `{ignored}` for a genuine event Baton does not act on), 4xx for what it
 * cannot trust or read, 503 when the queue is unavailable so the registry retries.
 */
import middy from '@middy/core';
import * as z from 'zod/mini';
import { sqsClient, ssmClient } from '../lib/adapters/aws/awsClients';
import { SqsEventQueue } from '../lib/adapters/queue/sqsEventQueue';
import { type SecretStore, SsmSecretStore } from '../lib/adapters/secrets/secretStore';
import { type HttpEvent, type HttpResult, jsonResponse, rawBody } from '../lib/app/http/apiGateway';
import { httpErrorResponses } from '../lib/app/http/httpErrorResponses';
import { judgeRegistryRequest, type RegistrySource } from '../lib/app/ingress/registryIngress';
import type { EventQueue } from '../lib/domain/queuePorts';
import { logger } from '../lib/log';
import { readConfig } from '../lib/wiring/config';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  MLFLOW_WEBHOOK_SECRETS_PARAM: z.string().check(z.minLength(1)),
  DATABRICKS_WEBHOOK_SECRETS_PARAM: z.string().check(z.minLength(1)),
});

export interface RegistryWebhookDeps {
  queue: EventQueue;
  secrets: SecretStore;
  secretNames: Record<RegistrySource, string>;
  now: () => Date;
}

export async function registryWebhook(event: HttpEvent, deps: RegistryWebhookDeps): Promise<HttpResult> {
  const source: RegistrySource = event.rawPath.endsWith('/databricks') ? 'databricks' : 'mlflow';
  const secrets = await deps.secrets.values(deps.secretNames[source]);
  if (secrets.length === 0) logger.warn('no webhook secret configured; rejecting', { source });
  const verdict = judgeRegistryRequest(
    source,
    { headers: event.headers, body: rawBody(event) },
    { secrets, now: deps.now() },
  );
  if (verdict.error) throw verdict.error;
  if (!verdict.event) return jsonResponse(202, { ignored: verdict.ignored });
  await deps.queue.enqueue(verdict.event);
  const { kind, model, version, alias, deliveryId } = verdict.event;
  logger.info('queued registry event', { source, kind, model, version, alias, deliveryId });
  return jsonResponse(202, { queued: { kind, model, version, alias } });
}

function defaultDeps(): RegistryWebhookDeps {
  const config = readConfig(configSchema);
  return {
    queue: new SqsEventQueue(sqsClient(), config.PROMOTION_QUEUE_URL),
    secrets: new SsmSecretStore(ssmClient()),
    secretNames: {
      mlflow: config.MLFLOW_WEBHOOK_SECRETS_PARAM,
      databricks: config.DATABRICKS_WEBHOOK_SECRETS_PARAM,
    },
    now: () => new Date(),
  };
}

let deps: RegistryWebhookDeps | undefined;
export const handler = middy<HttpEvent, HttpResult>()
  .use(httpErrorResponses())
  .handler((event) => {
    deps ??= defaultDeps();
    return registryWebhook(event, deps);
  });
