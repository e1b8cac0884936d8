/**
 * Signed approval links for approvers without Slack: the token names the model, the version,
 * the approver and an expiry, and carries an HMAC-SHA256 over exactly that, so it cannot be
 * altered or forged. Single use is enforced by the approvals function (a claim in the table).
 *
 * @example
 *   const token = signApprovalToken({ model: 'fraud', version: '7', approver: 'bob@example.com', exp: 1795366000 }, key);
 *   verifyApprovalToken(token, key, nowSeconds); // { ok: true, claims } | { ok: false, reason, expired }
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';

export const approvalClaimsSchema = z.object({
  model: z.string().check(z.minLength(1), z.maxLength(1000)),
  version: z.string().check(z.regex(/^\d{1,12}$/)),
  approver: z.string().check(z.minLength(1), z.maxLength(320)),
  /** Expiry, Unix seconds. */
  exp: z.int(),
});
export type ApprovalClaims = z.infer<typeof approvalClaimsSchema>;

export type TokenVerdict =
  | { ok: true; claims: ApprovalClaims }
  | { ok: false; reason: string; expired: boolean; claims?: ApprovalClaims };

const mac = (payload: string, key: string) =>
  createHmac('sha256', key).update(`baton-approval.v1.${payload}`).digest();

export function signApprovalToken(claims: ApprovalClaims, key: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(payload, key).toString('base64url')}`;
}

/** A stable id for single-use bookkeeping that does not store the token itself. */
export function approvalTokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function verifyApprovalToken(
  token: string,
  keys: readonly string[],
  nowSeconds: number,
): TokenVerdict {
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]{43}$/.test(parts[1]!)) {
    return { ok: false, reason: 'the link is malformed', expired: false };
  }
  const [payload, signature] = parts as [string, string];
  const provided = Buffer.from(signature, 'base64url');
  let matched = false;
  for (const key of keys) {
    const expected = mac(payload, key);
    if (expected.length === provided.length && timingSafeEqual(expected, provided)) matched = true;
  }
  if (!matched) return { ok: false, reason: 'the link’s signature is not valid', expired: false };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'the link is malformed', expired: false };
  }
  const claims = approvalClaimsSchema.safeParse(decoded);
  if (!claims.success) return { ok: false, reason: 'the link is malformed', expired: false };
  if (nowSeconds >= claims.data.exp) {
    return { ok: false, reason: 'the link has expired', expired: true, claims: claims.data };
  }
  return { ok: true, claims: claims.data };
}
