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
 * Several secrets are accepted so a secret can be rotated without dropping deliveries, and several
 * space-separated signatures (Standard Webhooks) so the sender can rotate too: any one match suffices.
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
  const parsed = parseMlflowSignatures(input.signature);
  if ('invalid' in parsed) return { status: 'invalid', reason: parsed.invalid };
  const prefix = Buffer.from(`${input.deliveryId}.${input.timestamp}.`, 'utf8');
  const expected = (secret: string) =>
    createHmac('sha256', secret).update(prefix).update(input.body).digest();
  // Every listed signature is compared with every secret (no early exit): any one match suffices.
  let matched = false;
  for (const provided of parsed.digests) {
    if (matchesAny(expected, provided, input.secrets)) matched = true;
  }
  return matched
    ? { status: 'valid' }
    : { status: 'invalid', reason: 'X-MLflow-Signature does not match the body for any configured secret' };
}

/** A sender rotating its secret lists a few signatures; more than this is not a rotation. */
export const maxMlflowSignatures = 5;

/** Bytes of an HMAC-SHA256; its canonical base64 is 43 characters and one `=`. */
const hmacSha256Bytes = 32;

/**
 * The header read strictly, as Standard Webhooks defines it: one or more `v1,<base64>` separated by
 * single spaces, each the canonical (padded, standard alphabet, no stray bits) base64 of 32 bytes.
 * Anything else is refused rather than repaired, so exactly one spelling of a signature verifies.
 *
 * @example
 *   parseMlflowSignatures('v1,Jy6J95MxyWw1oYdjDaGg39sTn8ZwRKj4RJtuBKO4Slg=');  // { digests: [<32 bytes>] }
 *   parseMlflowSignatures('v1,Jy6J…Slg=,garbage');  // { invalid: 'X-MLflow-Signature signature 1 has …' }
 */
export function parseMlflowSignatures(header: string): { digests: Buffer[] } | { invalid: string } {
  const entries = header.split(' ');
  if (entries.length > maxMlflowSignatures) {
    return {
      invalid: `X-MLflow-Signature lists ${entries.length} signatures; at most ${maxMlflowSignatures} are accepted`,
    };
  }
  const digests: Buffer[] = [];
  for (const [index, entry] of entries.entries()) {
    const digest = canonicalV1Digest(entry, `X-MLflow-Signature signature ${index + 1}`);
    if (typeof digest === 'string') return { invalid: digest };
    digests.push(digest);
  }
  return { digests };
}

/** One `v1,<base64>` entry as its 32 raw bytes, or the reason it is not one. */
function canonicalV1Digest(entry: string, name: string): Buffer | string {
  if (entry === '') return `${name} is empty (signatures are separated by single spaces)`;
  if (!entry.startsWith('v1,')) return `${name} does not start with the scheme "v1,"`;
  const encoded = entry.slice(3);
  if (encoded.includes(',')) return `${name} has text after its signature (a second comma)`;
  const bytes = Buffer.from(encoded, 'base64');
  // Node's decoder skips foreign characters and ignores stray bits; re-encoding exposes both.
  if (bytes.toString('base64') !== encoded) {
    return `${name} is not canonical base64 (standard alphabet, "=" padding, no stray bits or whitespace)`;
  }
  if (bytes.length !== hmacSha256Bytes) {
    return `${name} is ${bytes.length} bytes; an HMAC-SHA256 is ${hmacSha256Bytes}`;
  }
  return bytes;
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
