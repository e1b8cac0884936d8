/**
 * POST /alerts/alertmanager and POST /alerts/grafana: verify (bearer token, or Grafana's HMAC
 * signature once its secret is configured), validate, normalise every alert, enqueue them all
 * (lib/app/acceptAlerts). 202 `{queued: n}` once every alert is queued, 4xx for what it cannot
 * trust or read, 503 when any alert could not be queued, so the sender retries the group.
 */
import middy from '@middy/core';
import { type AlertWebhookDeps, acceptAlerts } from '../lib/app/acceptAlerts';
import { type HttpEvent, type HttpResult, jsonResponse, rawBody } from '../lib/app/http/apiGateway';
import { httpErrorResponses } from '../lib/app/http/httpErrorResponses';
import { alertRouteOf } from '../lib/app/ingress/alertIngress';
import { NotFoundError } from '../lib/domain/httpErrors';
import { alertWebhookDeps } from '../lib/wiring/alertWebhook';
import { coldStart } from '../lib/wiring/coldStart';

export type { AlertWebhookDeps };

export async function alertWebhook(event: HttpEvent, deps: AlertWebhookDeps): Promise<HttpResult> {
  const route = alertRouteOf(event.rawPath);
  if (!route) throw new NotFoundError('unknown_alert_source', `no alert source at ${event.rawPath}`);
  const request = { headers: event.headers, body: rawBody(event) };
  return jsonResponse(202, await acceptAlerts(route, request, deps));
}

const deps = coldStart(alertWebhookDeps);
export const handler = middy<HttpEvent, HttpResult>()
  .use(httpErrorResponses())
  .handler(async (event) => alertWebhook(event, await deps()));
