/**
 * Signed approval links for approvers without Slack: the token names the model, the version,
 * the approver and an expiry, and carries an HMAC-SHA256 over exactly that, so it cannot be
 * altered or forged. Single use is enforced by the approvals function (a claim in the table).
 *
 * A token has exactly one spelling that verifies: the one `signApprovalToken` writes. base64url
 * leaves spare bits in a final character (a 32-byte MAC is 43 characters, the last carrying 2
 * unused bits), and JSON can say the same claims with other key orders, spaces or extra members;
 * each such spelling would otherwise verify and, keyed on its own text, be a second single-use
 * record for one link. So both parts must re-encode to the bytes received, the payload must be
 * the canonical claims JSON, and the single-use id is taken from the decoded claims.
 *
 * @example
 *   const token = signApprovalToken({ model: 'fraud', version: '7', approver: 'bob@example.com', exp: 1795366000 }, key);
 *   verifyApprovalToken(token, [key], nowSeconds); // { ok: true, claims } | { ok: false, reason, expired }
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { parseJson } from '../../../events/json';
import { versionNumberSchema } from '../../../events/versionNumber';

export const approvalClaimsSchema = z.object({
  model: z.string().check(z.minLength(1), z.maxLength(1000)),
  version: versionNumberSchema,
  approver: z.string().check(z.minLength(1), z.maxLength(320)),
  /** Expiry, Unix seconds. */
  exp: z.int(),
});
export type ApprovalClaims = z.infer<typeof approvalClaimsSchema>;

export type TokenVerdict =
  | { ok: true; claims: ApprovalClaims }
  | { ok: false; reason: string; expired: boolean; claims?: ApprovalClaims };

const malformed: TokenVerdict = { ok: false, reason: 'the link is malformed', expired: false };

const mac = (payload: string, key: string) =>
  createHmac('sha256', key).update(`baton-approval.v1.${payload}`).digest();

/** The one JSON spelling of claims: fixed member order, no spaces, nothing else. */
function canonicalJson(claims: ApprovalClaims): string {
  return JSON.stringify({
    model: claims.model,
    version: claims.version,
    approver: claims.approver,
    exp: claims.exp,
  });
}

/**
 * Signs claims into `<base64url canonical JSON>.<base64url HMAC>`.
 *
 * @example
 *   signApprovalToken({ model: 'fraud', version: '7', approver: 'bob@example.com', exp: 1795366000 }, key);
 *   // 'eyJtb2RlbCI6ImZyYXVkIiwidmVyc2lvbiI6IjciLC….3q2-…'
 */
export function signApprovalToken(claims: ApprovalClaims, key: string): string {
  const payload = Buffer.from(canonicalJson(claims)).toString('base64url');
  return `${payload}.${mac(payload, key).toString('base64url')}`;
}

/**
 * The single-use id of a link: a hash of its decoded claims, never of the text received, so no
 * other spelling (nor the same claims signed with a rotated key) can be a second record.
 *
 * @example
 *   approvalTokenId(verdict.claims); // '5f0c…' (64 hex characters)
 */
export function approvalTokenId(claims: ApprovalClaims): string {
  return createHash('sha256')
    .update(`baton-approval-claims.v1.${canonicalJson(claims)}`)
    .digest('hex');
}

/** The bytes a base64url part stands for, only when the part is their one canonical spelling. */
function canonicalBase64url(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

/**
 * Whether `token` is a link Baton signed with one of `keys`, unexpired at `nowSeconds`, in the
 * spelling Baton wrote; every other spelling is malformed.
 *
 * @example
 *   verifyApprovalToken(token, ['current-key', 'previous-key'], Math.floor(Date.now() / 1000));
 */
export function verifyApprovalToken(
  token: string,
  keys: readonly string[],
  nowSeconds: number,
): TokenVerdict {
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]{43}$/.test(parts[1]!)) {
    return malformed;
  }
  const [payload, signature] = parts as [string, string];
  // Non-zero spare bits (or a length base64 cannot end on) re-encode differently: not Baton's spelling.
  const payloadBytes = canonicalBase64url(payload);
  const provided = canonicalBase64url(signature);
  if (payloadBytes === undefined || provided === undefined) return malformed;
  let matched = false;
  for (const key of keys) {
    const expected = mac(payload, key);
    if (expected.length === provided.length && timingSafeEqual(expected, provided)) matched = true;
  }
  if (!matched) return { ok: false, reason: 'the link’s signature is not valid', expired: false };
  const decoded = parseJson(payloadBytes);
  if (!decoded.ok) return malformed;
  const claims = approvalClaimsSchema.safeParse(decoded.value);
  if (!claims.success) return malformed;
  // Other key orders, spaces, duplicate or extra members: signed, but not what Baton signs.
  if (!Buffer.from(canonicalJson(claims.data)).equals(payloadBytes)) return malformed;
  if (nowSeconds >= claims.data.exp) {
    return { ok: false, reason: 'the link has expired', expired: true, claims: claims.data };
  }
  return { ok: true, claims: claims.data };
}
