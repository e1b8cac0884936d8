/**
 * Signature schemes of the registry webhooks, checked over the raw body bytes with a
 * constant-time comparison. Each returns a verdict rather than throwing, so `baton inspect` can
 * report it; the ingress turns anything but `valid` into a 401.
 *
 * @example
 *   verifyMlflowSignature({ secrets, body, signature, deliveryId, timestamp, nowSeconds });
 *   // { status: 'valid' } | { status: 'absent' | 'invalid', reason: '…' }
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import type { SignatureVerdict } from '../../domain/signatureVerdict';

export type { SignatureVerdict };

/** MLflow and Slack both refuse deliveries more than five minutes from the receiver's clock. */
export const signatureToleranceSeconds = 300;

function matchesAny(
  expected: (secret: string) => Buffer,
  provided: Buffer,
  secrets: readonly string[],
): boolean {
  let matched = false;
  for (const secret of secrets) {
    const digest = expected(secret);
    // Compare every secret (no early exit) so timing says nothing about which one matched.
    if (digest.length === provided.length && timingSafeEqual(digest, provided)) matched = true;
  }
  return matched;
}

function checkTimestamp(
  timestamp: string | undefined,
  nowSeconds: number,
  header: string,
): SignatureVerdict | undefined {
  if (!timestamp) return { status: 'absent', reason: `${header} header is missing` };
  if (!/^\d{1,12}$/.test(timestamp))
    return { status: 'invalid', reason: `${header} is not a Unix time in seconds` };
  if (Math.abs(nowSeconds - Number(timestamp)) > signatureToleranceSeconds) {
    return { status: 'invalid', reason: `${header} is more than ${signatureToleranceSeconds} s from now` };
  }
  return undefined;
}

/**
 * MLflow OSS: `X-MLflow-Signature: v1,<base64 HMAC-SHA256(secret, "<delivery id>.<timestamp>.<body>")>`.
 * Several secrets are accepted so a secret can be rotated without dropping deliveries.
 */
export function verifyMlflowSignature(input: {
  secrets: readonly string[];
  body: Buffer;
  signature: string | undefined;
  deliveryId: string | undefined;
  timestamp: string | undefined;
  nowSeconds: number;
}): SignatureVerdict {
  if (!input.signature) return { status: 'absent', reason: 'X-MLflow-Signature header is missing' };
  if (!input.deliveryId) return { status: 'absent', reason: 'X-MLflow-Delivery-Id header is missing' };
  const stale = checkTimestamp(input.timestamp, input.nowSeconds, 'X-MLflow-Timestamp');
  if (stale) return stale;
  const [scheme, encoded] = input.signature.split(',', 2);
  if (scheme !== 'v1' || !encoded || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    return { status: 'invalid', reason: 'X-MLflow-Signature is not of the form v1,<base64>' };
  }
  const prefix = Buffer.from(`${input.deliveryId}.${input.timestamp}.`, 'utf8');
  const expected = (secret: string) =>
    createHmac('sha256', secret).update(prefix).update(input.body).digest();
  return matchesAny(expected, Buffer.from(encoded, 'base64'), input.secrets)
    ? { status: 'valid' }
    : { status: 'invalid', reason: 'X-MLflow-Signature does not match the body for any configured secret' };
}

/** Databricks workspace registry: `X-Databricks-Signature` = lowercase hex HMAC-SHA256 of the body. */
export function verifyDatabricksSignature(input: {
  secrets: readonly string[];
  body: Buffer;
  signature: string | undefined;
}): SignatureVerdict {
  if (!input.signature) return { status: 'absent', reason: 'X-Databricks-Signature header is missing' };
  if (!/^[0-9a-f]{64}$/.test(input.signature)) {
    return { status: 'invalid', reason: 'X-Databricks-Signature is not a lowercase hex SHA-256 HMAC' };
  }
  const expected = (secret: string) => createHmac('sha256', secret).update(input.body).digest();
  return matchesAny(expected, Buffer.from(input.signature, 'hex'), input.secrets)
    ? { status: 'valid' }
    : {
        status: 'invalid',
        reason: 'X-Databricks-Signature does not match the body for any configured secret',
      };
}

/**
 * Slack request signing: `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>")>`,
 * with `X-Slack-Request-Timestamp` within five minutes.
 */
export function verifySlackSignature(input: {
  secrets: readonly string[];
  body: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  nowSeconds: number;
}): SignatureVerdict {
  if (!input.signature) return { status: 'absent', reason: 'X-Slack-Signature header is missing' };
  const stale = checkTimestamp(input.timestamp, input.nowSeconds, 'X-Slack-Request-Timestamp');
  if (stale) return stale;
  if (!/^v0=[0-9a-f]{64}$/.test(input.signature)) {
    return { status: 'invalid', reason: 'X-Slack-Signature is not of the form v0=<hex>' };
  }
  const prefix = Buffer.from(`v0:${input.timestamp}:`, 'utf8');
  const expected = (secret: string) =>
    createHmac('sha256', secret).update(prefix).update(input.body).digest();
  return matchesAny(expected, Buffer.from(input.signature.slice(3), 'hex'), input.secrets)
    ? { status: 'valid' }
    : { status: 'invalid', reason: 'X-Slack-Signature does not match the body for the signing secret' };
}
