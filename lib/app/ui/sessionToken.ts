/**
 * Local sign-in for the dashboard: `npm start` prints a short-lived signed link for a chosen
 * person, and following it sets a session cookie. Both are HMAC-SHA256 tokens signed with the
 * approval-link key, in the same shape as approval links (lib/app/ingress/approvalToken.ts):
 * `<base64url canonical JSON>.<base64url MAC>`, with one spelling that verifies. The MAC is
 * domain-separated (`baton-ui.v1.`), so no approval link is a sign-in token and no sign-in token an
 * approval link. In AWS the dashboard sits behind the HTTP API's JWT authorizer instead.
 *
 * @example
 *   const link = signUiToken({ purpose: 'sign-in', person: 'ana', exp: nowSeconds + 900 }, key);
 *   verifyUiToken(link, [key], 'sign-in', nowSeconds); // { ok: true, claims } | { ok: false, reason }
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { parseJson } from '../../../events/json';

export const uiClaimsSchema = z.object({
  /** `sign-in`: the printed link (minutes); `session`: the cookie it becomes (hours). */
  purpose: z.enum(['sign-in', 'session']),
  /** A person's name or identity, as the people directory knows them. */
  person: z.string().check(z.minLength(1), z.maxLength(320)),
  /** Expiry, Unix seconds. */
  exp: z.int(),
});
export type UiClaims = z.infer<typeof uiClaimsSchema>;

/** How long a printed sign-in link and the session it starts last. */
export const signInSeconds = 15 * 60;
export const sessionSeconds = 8 * 3600;

const mac = (payload: string, key: string) =>
  createHmac('sha256', key).update(`baton-ui.v1.${payload}`).digest();

const canonicalJson = (claims: UiClaims) =>
  JSON.stringify({ purpose: claims.purpose, person: claims.person, exp: claims.exp });

/**
 * @example
 *   signUiToken({ purpose: 'session', person: 'ana', exp: 1795366000 }, key); // 'eyJwdXJwb3Nl….Qm9…'
 */
export function signUiToken(claims: UiClaims, key: string): string {
  const payload = Buffer.from(canonicalJson(claims)).toString('base64url');
  return `${payload}.${mac(payload, key).toString('base64url')}`;
}

function canonicalBase64url(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

export type UiTokenVerdict = { ok: true; claims: UiClaims } | { ok: false; reason: string };

/**
 * Whether `token` is a dashboard token of `purpose` Baton signed with one of `keys`, unexpired.
 *
 * @example
 *   verifyUiToken(cookie, [key], 'session', Math.floor(Date.now() / 1000)).ok; // true
 */
export function verifyUiToken(
  token: string,
  keys: readonly string[],
  purpose: UiClaims['purpose'],
  nowSeconds: number,
): UiTokenVerdict {
  const malformed = { ok: false, reason: 'the token is malformed' } as const;
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0 || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return malformed;
  const payloadBytes = canonicalBase64url(payload);
  const provided = canonicalBase64url(signature);
  if (!payloadBytes || !provided) return malformed;
  const matched = keys.some((key) => {
    const expected = mac(payload, key);
    return expected.length === provided.length && timingSafeEqual(expected, provided);
  });
  if (!matched) return { ok: false, reason: 'the token’s signature is not valid' };
  const decoded = parseJson(payloadBytes);
  const claims = decoded.ok ? uiClaimsSchema.safeParse(decoded.value) : undefined;
  if (!claims?.success || !Buffer.from(canonicalJson(claims.data)).equals(payloadBytes)) return malformed;
  if (claims.data.purpose !== purpose) return { ok: false, reason: `not a ${purpose} token` };
  if (nowSeconds >= claims.data.exp) return { ok: false, reason: 'the token has expired' };
  return { ok: true, claims: claims.data };
}
