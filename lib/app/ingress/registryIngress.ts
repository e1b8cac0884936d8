/**
 * How the registry-webhook ingress judges a request, with no I/O: size, content type,
 * signature over the raw bytes, then JSON and schema. The Lambda handler and
 * `baton inspect` share it, so what inspect says is what the ingress does.
 *
 * @example
 *   const verdict = judgeRegistryRequest('mlflow', { headers, body }, { secrets, now });
 *   if (verdict.error) throw verdict.error;
 */

import { createHash } from 'node:crypto';
import { normaliseDatabricksWebhook } from '../../../events/databricksWebhook';
import { describeIssues } from '../../../events/issues';
import { parseJson } from '../../../events/json';
import { type Normalised, normaliseMlflowWebhook } from '../../../events/mlflowWebhook';
import {
  type PromotionEvent,
  promotionEventSchema,
  type RegistryEvent,
} from '../../../events/promotionEvent';
import { BadRequestError, HttpError, UnauthorizedError } from '../../domain/httpErrors';
import { assertBodySize, assertJsonContentType, header } from '../http/apiGateway';
import { type SignatureVerdict, verifyDatabricksSignature, verifyMlflowSignature } from './signatures';

export type RegistrySource = 'mlflow' | 'databricks';

/** SQS accepts 256 KB messages; a registry payload larger than that is not one Baton can queue. */
export const maxRegistryBodyBytes = 256 * 1024;

/**
 * Genuine events the worker has no decision for. Tag changes are mostly the echo of Baton's own
 * writes (about ten per validation), which would otherwise queue ahead of the model's next
 * version; alias events stay, since the champion alias is protected.
 */
const notActedOn: Partial<Record<RegistryEvent['kind'], string>> = {
  'model_version_tag.set': 'tag changes do not change a version’s lifecycle',
  'model_version_tag.deleted': 'tag changes do not change a version’s lifecycle',
  'registered_model.created': 'a new registered model has no versions to validate yet',
};

export interface RegistryRequest {
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface RegistryVerdict {
  signature: SignatureVerdict['status'];
  event: RegistryEvent | null;
  /** Set when the request is genuine but not an event Baton acts on. */
  ignored: string | null;
  error: HttpError | null;
}

/**
 * The event exactly as the worker will parse it: whatever the ingress queues, the worker accepts
 * (a delivery id over 200 characters, say, is refused here rather than dead-lettered there).
 */
export function queueable<T extends PromotionEvent>(event: T): T {
  const checked = promotionEventSchema.safeParse(event);
  if (!checked.success) {
    throw new BadRequestError(
      'invalid_payload',
      `the event would not be accepted: ${describeIssues(checked.error.issues)}`,
    );
  }
  return event;
}

/** The body as JSON, or the 400 a sender gets for a malformed one. */
function jsonBody(body: Buffer): unknown {
  const parsed = parseJson(body);
  if (!parsed.ok) throw new BadRequestError('malformed_json', `body is not valid JSON: ${parsed.reason}`);
  return parsed.value;
}

function verify(source: RegistrySource, request: RegistryRequest, secrets: readonly string[], now: Date) {
  if (source === 'mlflow') {
    return verifyMlflowSignature({
      secrets,
      body: request.body,
      signature: header(request.headers, 'x-mlflow-signature'),
      deliveryId: header(request.headers, 'x-mlflow-delivery-id'),
      timestamp: header(request.headers, 'x-mlflow-timestamp'),
      nowSeconds: Math.floor(now.getTime() / 1000),
    });
  }
  return verifyDatabricksSignature({
    secrets,
    body: request.body,
    signature: header(request.headers, 'x-databricks-signature'),
  });
}

/** MLflow names each delivery; Databricks does not, so its signed body stands in for an id. */
function deliveryIdOf(source: RegistrySource, request: RegistryRequest): string {
  if (source === 'mlflow') return header(request.headers, 'x-mlflow-delivery-id')!;
  return `databricks-${createHash('sha256').update(request.body).digest('hex')}`;
}

/** How old (or how far ahead) a Databricks delivery's event_timestamp may be, by default: 5 min. */
export const defaultMaxDeliveryAgeSeconds = 300;

/** A duration as the sender reads it: "42 s", "5 min 1 s", "3 h 7 min", "20779 d 11 h". */
function duration(totalSeconds: number): string {
  const s = Math.round(Math.abs(totalSeconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/**
 * Databricks signs no timestamp header, so the signed body's `event_timestamp` (ms since the epoch)
 * is what bounds a replay: a delivery older, or further ahead, than the window is refused.
 */
function assertFresh(body: unknown, now: Date, maxAgeSeconds: number): void {
  const sent = (body as { event_timestamp?: unknown }).event_timestamp;
  if (typeof sent !== 'number') {
    throw new BadRequestError(
      'missing_event_timestamp',
      'event_timestamp is missing; Databricks sends it with every delivery and Baton refuses deliveries it cannot date',
    );
  }
  const ageSeconds = (now.getTime() - sent) / 1000;
  if (Math.abs(ageSeconds) <= maxAgeSeconds) return;
  const age = ageSeconds > 0 ? `${duration(ageSeconds)} old` : `${duration(ageSeconds)} in the future`;
  // 400, not 401: the signature is good; what is refused is the age of what it signed.
  throw new BadRequestError(
    'stale_delivery',
    `event_timestamp is ${age}; deliveries more than ${maxAgeSeconds} s from now are refused as possible replays`,
  );
}

export function judgeRegistryRequest(
  source: RegistrySource,
  request: RegistryRequest,
  options: { secrets: readonly string[]; now: Date; maxDeliveryAgeSeconds?: number },
): RegistryVerdict {
  let signature: SignatureVerdict['status'] = 'absent';
  try {
    assertBodySize(request.body, maxRegistryBodyBytes);
    assertJsonContentType(header(request.headers, 'content-type'));
    const verdict = verify(source, request, options.secrets, options.now);
    signature = verdict.status;
    if (verdict.status !== 'valid')
      throw new UnauthorizedError(`${verdict.status}_signature`, verdict.reason);
    const meta = { deliveryId: deliveryIdOf(source, request), receivedAt: options.now.toISOString() };
    const body = jsonBody(request.body);
    const normalised: Normalised =
      source === 'mlflow' ? normaliseMlflowWebhook(body, meta) : normaliseDatabricksWebhook(body, meta);
    if ('invalid' in normalised) throw new BadRequestError('invalid_payload', normalised.invalid);
    if ('ignored' in normalised) return { signature, event: null, ignored: normalised.ignored, error: null };
    const unused = notActedOn[normalised.event.kind];
    if (unused) return { signature, event: null, ignored: unused, error: null };
    if (source === 'databricks')
      assertFresh(body, options.now, options.maxDeliveryAgeSeconds ?? defaultMaxDeliveryAgeSeconds);
    return { signature, event: queueable(normalised.event), ignored: null, error: null };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { signature, event: null, ignored: null, error };
  }
}
