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

export function judgeRegistryRequest(
  source: RegistrySource,
  request: RegistryRequest,
  options: { secrets: readonly string[]; now: Date },
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
    return { signature, event: queueable(normalised.event), ignored: null, error: null };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { signature, event: null, ignored: null, error };
  }
}
