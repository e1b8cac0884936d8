/**
 * POST /webhooks/mlflow and POST /webhooks/databricks: verify, validate, normalise, enqueue
 * (lib/app/acceptRegistryEvent). 202 once queued (or `{ignored}` for a genuine event Baton does
 * not act on), 4xx for what it cannot trust or read, 503 when the queue is unavailable so the
 * registry retries.
 */
import middy from '@middy/core';
import { acceptRegistryEvent, type RegistryWebhookDeps } from '../lib/app/acceptRegistryEvent';
import { type HttpEvent, type HttpResult, jsonResponse, rawBody } from '../lib/app/http/apiGateway';
import { httpErrorResponses } from '../lib/app/http/httpErrorResponses';
import type { RegistrySource } from '../lib/app/ingress/registryIngress';
import { coldStart } from '../lib/wiring/coldStart';
import { registryWebhookDeps } from '../lib/wiring/registryWebhook';

export type { RegistryWebhookDeps };

export async function registryWebhook(event: HttpEvent, deps: RegistryWebhookDeps): Promise<HttpResult> {
  const source: RegistrySource = event.rawPath.endsWith('/databricks') ? 'databricks' : 'mlflow';
  const request = { headers: event.headers, body: rawBody(event) };
  return jsonResponse(202, await acceptRegistryEvent(source, request, deps));
}

const deps = coldStart(registryWebhookDeps);
export const handler = middy<HttpEvent, HttpResult>()
  .use(httpErrorResponses())
  .handler(async (event) => registryWebhook(event, await deps()));
