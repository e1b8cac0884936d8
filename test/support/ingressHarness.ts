/**
 * Calls Baton's HTTP routes in-process the way API Gateway would, with in-memory ports: a
 * recording queue, fixed secrets, a fixed clock and a single-use token ledger. For the chaos suite.
 *
 * @example
 *   const queue = new RecordingQueue();
 *   const response = await callJsonRoute('mlflow', post('mlflow', body, signFor('mlflow', body)), queue);
 */

import { createHmac } from 'node:crypto';
import { type PromotionEvent, promotionEventSchema } from '../../events/promotionEvent';
import { type ApprovalsDeps, approvals } from '../../functions/approvals';
import { registryWebhook } from '../../functions/registryWebhook';
import { slackInteractions } from '../../functions/slackInteractions';
import { EnqueueError } from '../../lib/adapters/queue/errors';
import type { SecretStore } from '../../lib/adapters/secrets/secretStore';
import type { TokenLedger } from '../../lib/adapters/store/tokenLedger';
import type { HttpEvent, HttpResult } from '../../lib/app/http/apiGateway';
import { errorResponse } from '../../lib/app/http/httpErrorResponses';
import type { WebhookReceipts } from '../../lib/domain/ports';
import type { EventQueue } from '../../lib/domain/queuePorts';
import { artefactRowsOf } from '../../lib/wiring/catalog';
import { databricksHeaders, mlflowHeaders, slackHeaders as signSlack } from './signing';

export const now = new Date('2026-11-22T12:00:00Z');
export const nowSeconds = Math.floor(now.getTime() / 1000);

/** Secret values, keyed by the parameter name each function is configured with. */
export const keys: Record<string, string> = {
  mlflow: 'chaos-mlflow-secret',
  databricks: 'chaos-databricks-secret',
  slack: 'chaos-slack-signing-secret',
  approval: 'chaos-approval-link-key',
};

export type JsonRoute = 'mlflow' | 'databricks' | 'slack';
export const paths: Record<JsonRoute, string> = {
  mlflow: '/webhooks/mlflow',
  databricks: '/webhooks/databricks',
  slack: '/slack/interactions',
};

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** Text as API Gateway hands it over: UTF-8, or base64 when `isBase64Encoded`. */
  body: string;
  isBase64Encoded: boolean;
  token?: string;
}

export function post(
  route: JsonRoute,
  body: string | Buffer,
  headers: Record<string, string>,
  base64 = false,
) {
  const text = base64 ? Buffer.from(body).toString('base64') : body.toString();
  return { method: 'POST', path: paths[route], headers, body: text, isBase64Encoded: base64 } as HttpRequest;
}

export function linkRequest(method: 'GET' | 'POST', token: string, form = ''): HttpRequest {
  // A URL carries bytes: lone surrogates become U+FFFD on the way, as they would in a browser.
  const path = `/approvals/${encodeURIComponent(Buffer.from(token).toString())}`;
  return { method, path, headers: {}, body: form, isBase64Encoded: false, token };
}

export function httpEvent(request: HttpRequest): HttpEvent {
  return {
    version: '2.0',
    routeKey: `${request.method} ${request.path}`,
    rawPath: request.path,
    rawQueryString: '',
    headers: request.headers,
    body: request.body,
    isBase64Encoded: request.isBase64Encoded,
    ...(request.token !== undefined && { pathParameters: { token: request.token } }),
    requestContext: { http: { method: request.method, path: request.path } },
  } as unknown as HttpEvent;
}

export function slackHeaders(body: string | Buffer, key = keys.slack!) {
  return signSlack(key, body, new Date(nowSeconds * 1000));
}

/** Headers that sign `body` correctly for the route, as its sender would. */
export function signFor(route: JsonRoute, body: string | Buffer, deliveryId = 'chaos-delivery-1') {
  if (route === 'mlflow') return mlflowHeaders(keys.mlflow!, body, now, deliveryId);
  if (route === 'databricks') return databricksHeaders(keys.databricks!, body);
  return slackHeaders(body);
}

export const slackForm = (payloadText: string) => `payload=${encodeURIComponent(payloadText)}`;

/** A well-formed event the route acts on: a new version, or a Slack Approve click. */
export function validBody(route: JsonRoute, model: string, version: string): string {
  if (route === 'mlflow') {
    const data = { name: model, version };
    return JSON.stringify({ entity: 'model_version', action: 'created', timestamp: '', data });
  }
  if (route === 'databricks')
    return JSON.stringify({
      event: 'MODEL_VERSION_CREATED',
      event_timestamp: now.getTime(),
      model_name: model,
      version,
    });
  const value = JSON.stringify({ model, version, decision: 'approve' });
  const click = { action_id: 'baton.approve', value };
  return slackForm(
    JSON.stringify({
      type: 'block_actions',
      user: { id: 'U024BE7LH' },
      trigger_id: '1.2.3',
      actions: [click],
    }),
  );
}

/** An approval token over any JSON text (not only well-formed claims), signed with `key`. */
export function signApprovalPayload(json: string, key = keys.approval!): string {
  const payload = Buffer.from(json).toString('base64url');
  return `${payload}.${createHmac('sha256', key).update(`baton-approval.v1.${payload}`).digest('base64url')}`;
}

export class RecordingQueue implements EventQueue {
  readonly queued: PromotionEvent[] = [];
  constructor(private readonly down = false) {}
  async enqueue(event: PromotionEvent) {
    if (this.down) throw new EnqueueError(new Error('chaos: connect ECONNREFUSED'));
    this.queued.push(event);
  }
}

/** Databricks delivery receipts in memory, as DynamoWebhookReceipts keeps them in the table. */
export class MemoryReceipts implements WebhookReceipts {
  readonly queuedAt = new Map<string, string>();
  async receive(key: string) {
    const at = this.queuedAt.get(key);
    return at === undefined ? null : { queuedAt: at };
  }
  async markQueued(key: string, now: Date) {
    this.queuedAt.set(key, now.toISOString());
  }
}

export class MemoryLedger implements TokenLedger {
  readonly used = new Set<string>();
  async claim(id: string) {
    if (this.used.has(id)) return false;
    this.used.add(id);
    return true;
  }
  async isUsed(id: string) {
    return this.used.has(id);
  }
  async release(id: string) {
    this.used.delete(id);
  }
}

/** Whether the worker can read the event: the queue carries JSON, checked against the schema. */
export function readableByWorker(event: PromotionEvent): boolean {
  return promotionEventSchema.safeParse(JSON.parse(JSON.stringify(event))).success;
}

const secrets: SecretStore = { values: async (name) => (keys[name] ? [keys[name]] : []) };

/** The plain route function; its errors mapped exactly as the middy middleware maps them. */
export async function callJsonRoute(route: JsonRoute, request: HttpRequest, queue = new RecordingQueue()) {
  const event = httpEvent(request);
  try {
    return route === 'slack'
      ? await slackInteractions(event, { queue, secrets, signingSecretName: 'slack', now: () => now })
      : await registryWebhook(event, {
          queue,
          secrets,
          secretNames: { mlflow: 'mlflow', databricks: 'databricks' },
          receipts: new MemoryReceipts(),
          now: () => now,
        });
  } catch (error) {
    return errorResponse(error);
  }
}

export function approvalDeps(queue: EventQueue, ledger: TokenLedger): ApprovalsDeps {
  return {
    queue,
    ledger,
    secrets,
    keyName: 'approval',
    artefactRows: artefactRowsOf,
    store: { getVersion: async () => null },
    now: () => now,
  };
}

export async function callApprovals(request: HttpRequest, deps: ApprovalsDeps): Promise<HttpResult> {
  return approvals(httpEvent(request), deps);
}
