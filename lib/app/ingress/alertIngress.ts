/**
 * How the alert-webhook ingress judges a request, with no I/O: size, content type, the bearer
 * token (or Grafana's HMAC signature) over the raw bytes, then JSON and schema, into one unrouted
 * alert event per alert. The Lambda handler and `baton inspect` share it.
 *
 * @example
 *   const verdict = judgeAlertRequest('alertmanager', { headers, body }, { tokens, grafanaSecrets: [], now });
 *   if (verdict.error) throw verdict.error;
 *   await enqueueAll(queue, verdict.events);
 */

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type NormalisedAlerts, normaliseAlertmanagerWebhook } from '../../../events/alerts/alertmanager';
import {
  grafanaSignatureHeader,
  grafanaTimestampHeader,
  normaliseGrafanaWebhook,
} from '../../../events/alerts/grafana';
import { parseJson } from '../../../events/json';
import { type AlertEvent, unroutedAlertEvent } from '../../../events/promotionEvent';
import { BadRequestError, HttpError, UnauthorizedError } from '../../domain/httpErrors';
import type { EventQueue } from '../../domain/queuePorts';
import { assertBodySize, assertJsonContentType, header } from '../http/apiGateway';
import { queueable } from './registryIngress';
import { type SignatureVerdict, signatureToleranceSeconds } from './signatures';

/**
 * The alert webhook sources, one entry each, keyed by their route (`POST /alerts/<name>`): how the
 * payload becomes alerts, and whether a request may be signed instead of carrying the bearer token
 * (Grafana's HMAC, when secrets are configured). Adding a source is its normaliser in
 * events/alerts/ plus one entry here (and its route in serverless.yml); the handler, `baton
 * inspect` and the policy's alert matching take the names from this table.
 */
export const alertSources = {
  alertmanager: { normalise: normaliseAlertmanagerWebhook, signed: false },
  grafana: { normalise: normaliseGrafanaWebhook, signed: true },
} satisfies Record<string, { normalise: (body: unknown) => NormalisedAlerts; signed: boolean }>;

export type AlertRoute = keyof typeof alertSources;
export const alertRoutes = Object.keys(alertSources) as AlertRoute[];

/**
 * The source a request path names (`/alerts/grafana` → `grafana`), or undefined.
 *
 * @example
 *   alertRouteOf('/alerts/grafana'); // 'grafana'
 */
export function alertRouteOf(path: string): AlertRoute | undefined {
  const last = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return Object.hasOwn(alertSources, last) ? (last as AlertRoute) : undefined;
}

/** As for registry webhooks: SQS takes 256 KB, and no sane alert group is larger. */
export const maxAlertBodyBytes = 256 * 1024;

export interface AlertRequest {
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface AlertCredentials {
  /** Every configured bearer token (several while one is rotated). */
  tokens: readonly string[];
  /** Grafana HMAC secrets; when there are any, the Grafana route requires the signature. */
  grafanaSecrets: readonly string[];
  now: Date;
}

export interface AlertVerdict {
  signature: SignatureVerdict['status'];
  /** One unrouted alert event per alert in the payload; empty when refused. */
  events: AlertEvent[];
  error: HttpError | null;
}

const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();

/** True when `provided` equals any of `expected`; every candidate is compared, in constant time. */
function matchesAny(provided: Buffer, expected: readonly Buffer[]): boolean {
  let matched = false;
  for (const candidate of expected) {
    if (candidate.length === provided.length && timingSafeEqual(candidate, provided)) matched = true;
  }
  return matched;
}

/**
 * `Authorization: Bearer <token>` against every configured token. Both sides are hashed first, so
 * the comparison takes the same time whatever the token's length.
 */
export function verifyBearerToken(
  authorization: string | undefined,
  tokens: readonly string[],
): SignatureVerdict {
  if (!authorization) return { status: 'absent', reason: 'Authorization header is missing' };
  const match = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(authorization);
  if (!match) return { status: 'invalid', reason: "Authorization is not of the form 'Bearer <token>'" };
  return matchesAny(digest(match[1]!), tokens.map(digest))
    ? { status: 'valid' }
    : { status: 'invalid', reason: 'the bearer token is not one of the configured alert webhook tokens' };
}

/**
 * Grafana's HMAC signature: lowercase hex HMAC-SHA256 of the body, or of `"<timestamp>:<body>"`
 * when the timestamp header is sent (then within five minutes). See events/alerts/grafana.ts.
 */
export function verifyGrafanaSignature(input: {
  secrets: readonly string[];
  body: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  nowSeconds: number;
}): SignatureVerdict {
  if (!input.signature) return { status: 'absent', reason: `${grafanaSignatureHeader} header is missing` };
  if (!/^[0-9a-fA-F]{64}$/.test(input.signature)) {
    return { status: 'invalid', reason: `${grafanaSignatureHeader} is not a hex SHA-256 HMAC` };
  }
  if (input.timestamp !== undefined) {
    if (!/^\d{1,12}$/.test(input.timestamp))
      return { status: 'invalid', reason: `${grafanaTimestampHeader} is not a Unix time in seconds` };
    if (Math.abs(input.nowSeconds - Number(input.timestamp)) > signatureToleranceSeconds) {
      const reason = `${grafanaTimestampHeader} is more than ${signatureToleranceSeconds} s from now`;
      return { status: 'invalid', reason };
    }
  }
  const prefix = input.timestamp === undefined ? '' : `${input.timestamp}:`;
  const expected = input.secrets.map((secret) =>
    createHmac('sha256', secret).update(prefix).update(input.body).digest(),
  );
  return matchesAny(Buffer.from(input.signature, 'hex'), expected)
    ? { status: 'valid' }
    : {
        status: 'invalid',
        reason: `${grafanaSignatureHeader} does not match the body for any configured secret`,
      };
}

/** Signed when the source is (and secrets are configured); the bearer token otherwise. */
const usesSignature = (route: AlertRoute, credentials: AlertCredentials) =>
  alertSources[route].signed && credentials.grafanaSecrets.length > 0;

function authenticate(route: AlertRoute, request: AlertRequest, credentials: AlertCredentials) {
  if (usesSignature(route, credentials)) {
    return verifyGrafanaSignature({
      secrets: credentials.grafanaSecrets,
      body: request.body,
      signature: header(request.headers, grafanaSignatureHeader),
      timestamp: header(request.headers, grafanaTimestampHeader),
      nowSeconds: Math.floor(credentials.now.getTime() / 1000),
    });
  }
  return verifyBearerToken(header(request.headers, 'authorization'), credentials.tokens);
}

/** The body as JSON, or the 400 a sender gets for a malformed one. */
function jsonBody(body: Buffer): unknown {
  const parsed = parseJson(body);
  if (!parsed.ok) throw new BadRequestError('malformed_json', `body is not valid JSON: ${parsed.reason}`);
  return parsed.value;
}

export function judgeAlertRequest(
  route: AlertRoute,
  request: AlertRequest,
  credentials: AlertCredentials,
): AlertVerdict {
  let signature: SignatureVerdict['status'] = 'absent';
  try {
    assertBodySize(request.body, maxAlertBodyBytes);
    assertJsonContentType(header(request.headers, 'content-type'));
    const verdict = authenticate(route, request, credentials);
    signature = verdict.status;
    if (verdict.status !== 'valid') {
      const what = usesSignature(route, credentials) ? 'signature' : 'token';
      throw new UnauthorizedError(`${verdict.status}_${what}`, verdict.reason);
    }
    const body = jsonBody(request.body);
    const normalised = alertSources[route].normalise(body);
    if ('invalid' in normalised) throw new BadRequestError('invalid_payload', normalised.invalid);
    const receivedAt = credentials.now.toISOString();
    const events = normalised.alerts.map((alert) => queueable(unroutedAlertEvent(alert, receivedAt)));
    return { signature, events, error: null };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { signature, events: [], error };
  }
}

/** SendMessage calls in flight at once: a 500-alert group is queued well within the timeout. */
const enqueueConcurrency = 10;

/**
 * Queues every event, or throws the first failure once all attempts have settled, so the sender
 * retries the whole group (the events' dedup ids make the retried ones harmless).
 */
export async function enqueueAll(queue: EventQueue, events: readonly AlertEvent[]): Promise<void> {
  const failures: unknown[] = [];
  let next = 0;
  const lane = async () => {
    while (next < events.length) {
      const event = events[next++]!;
      await queue.enqueue(event).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(enqueueConcurrency, events.length) }, lane));
  if (failures.length > 0) throw failures[0];
}
