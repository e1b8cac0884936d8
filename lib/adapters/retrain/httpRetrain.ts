/**
 * Retraining by webhook: POSTs the request as JSON to the policy's URL, signed so the receiver
 * can trust it came from Baton and was not replayed.
 *
 * Signature scheme (v1), computed over the exact bytes of the body:
 *   X-Baton-Timestamp: <Unix time in seconds>
 *   X-Baton-Signature: v1=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   Idempotency-Key:   <request.idempotencyKey>, the same on every retry of one request
 * Receivers check it with `verifyRetrainSignature` (or the same few lines in their language)
 * before parsing the body, and refuse timestamps more than five minutes away. During a secret
 * rotation a receiver may try both secrets; a comma-separated list of `v1=` values is accepted.
 *
 * 429, 5xx and network errors are retried with backoff (HttpClient); each attempt is signed
 * afresh, so a slow retry never arrives with a stale timestamp.
 *
 * @example
 *   const trigger = new HttpRetrainTrigger({ url: 'https://ci.example.com/hooks/retrain', secret });
 *   await trigger.trigger(request); // { target: 'http', id: '202' }
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretSource } from '../../domain/ports';
import type { RetrainReceipt, RetrainRequest, RetrainTrigger } from '../../domain/retrainPorts';
import type { SignatureVerdict } from '../../domain/signatureVerdict';
import { RegistryResponseError } from '../registry/errors';
import { HttpClient } from '../registry/httpClient';
import { RetrainConfigError, retrainError } from './errors';

export interface HttpRetrainOptions {
  url: string;
  /**
   * The shared secret the receiver verifies signatures with, or its source: read per request
   * (through the secret cache), so a rotated key signs within the cache's TTL.
   */
  secret: string | SecretSource;
  /** Per attempt; default 5000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt; default 3. */
  retries?: number;
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
  nowSeconds?: () => number;
}

function digest(secret: string, timestamp: string, rawBody: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/**
 * The X-Baton-Signature value for a body sent at `timestamp` (Unix seconds).
 *
 * @example
 *   signRetrainBody('s3cret', '1717243200', '{"model":"fraud"}'); // 'v1=5d41…'
 */
export function signRetrainBody(secret: string, timestamp: string, rawBody: string | Uint8Array): string {
  return `v1=${digest(secret, timestamp, rawBody).toString('hex')}`;
}

/**
 * Checks a retrain webhook's signature over the raw body bytes, in constant time, and that its
 * timestamp is within `toleranceSeconds` of `nowSeconds`. Run it before parsing the body.
 *
 * @example
 *   const verdict = verifyRetrainSignature(secret, headers['x-baton-timestamp'], rawBody,
 *     headers['x-baton-signature'], Math.floor(Date.now() / 1000));
 *   if (verdict.status !== 'valid') return { statusCode: 401, body: verdict.reason };
 */
export function verifyRetrainSignature(
  secret: string,
  timestamp: string | undefined,
  rawBody: string | Uint8Array,
  signatureHeader: string | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): SignatureVerdict {
  if (!signatureHeader) return { status: 'absent', reason: 'X-Baton-Signature header is missing' };
  if (!timestamp) return { status: 'absent', reason: 'X-Baton-Timestamp header is missing' };
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { status: 'invalid', reason: 'X-Baton-Timestamp is not a Unix time in seconds' };
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
    return { status: 'invalid', reason: `X-Baton-Timestamp is more than ${toleranceSeconds} s from now` };
  }
  const provided = signatureHeader
    .split(',')
    .map((part) => part.trim())
    .filter((part) => /^v1=[0-9a-f]{64}$/.test(part))
    .map((part) => Buffer.from(part.slice(3), 'hex'));
  if (provided.length === 0) {
    return { status: 'invalid', reason: 'X-Baton-Signature is not of the form v1=<64 hex digits>' };
  }
  const expected = digest(secret, timestamp, rawBody);
  let matched = false;
  // Compare every candidate (no early exit), so timing says nothing about which one matched.
  for (const candidate of provided) if (timingSafeEqual(candidate, expected)) matched = true;
  return matched
    ? { status: 'valid' }
    : { status: 'invalid', reason: 'X-Baton-Signature does not match the body' };
}

export class HttpRetrainTrigger implements RetrainTrigger {
  readonly kind = 'http' as const;

  constructor(private readonly options: HttpRetrainOptions) {}

  async trigger(request: RetrainRequest): Promise<RetrainReceipt> {
    const o = this.options;
    const url = new URL(o.url);
    const send = o.fetch ?? globalThis.fetch;
    const nowSeconds = o.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    const secret = typeof o.secret === 'string' ? o.secret : await o.secret();
    if (!secret) throw new RetrainConfigError('http', 'no webhook signing secret');
    // HttpClient serialises the body; this signs exactly the bytes it is about to send.
    const signing: typeof globalThis.fetch = (input, init) => {
      const timestamp = String(nowSeconds());
      const headers = new Headers(init?.headers);
      headers.set('x-baton-timestamp', timestamp);
      headers.set('x-baton-signature', signRetrainBody(secret, timestamp, String(init?.body ?? '')));
      headers.set('idempotency-key', request.idempotencyKey);
      return send(input, { ...init, headers });
    };
    let status: number | undefined;
    const http = new HttpClient({
      baseUrl: url.origin,
      fetch: signing,
      timeoutMs: o.timeoutMs,
      retries: o.retries,
      sleep: o.sleep,
      onRequest: (record) => {
        status = record.status;
      },
    });
    try {
      await http.request('POST', url.pathname + url.search, { body: request });
    } catch (error) {
      // A 2xx whose body is not JSON ("accepted") is still an accepted request.
      if (!(error instanceof RegistryResponseError)) throw retrainError('http', error);
    }
    return { target: 'http', id: status === undefined ? undefined : String(status) };
  }
}
