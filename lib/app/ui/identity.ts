/**
 * Who is looking at the dashboard. In AWS the HTTP API's JWT authorizer has verified the token
 * (issuer, audience, expiry) before the function runs; its `email` claim names the person. Locally
 * (`npm start`, no authorizer) a session cookie signed by Baton does (lib/app/ui/sessionToken.ts),
 * and only when local sign-in is on: in AWS a cookie counts for nothing.
 *
 * @example
 *   await viewerOf({ claims: { email: 'ana@example.com' } }, deps); // { ok: true, person, identity }
 */
import { type Person, personOf } from '../../domain/people';
import { sessionSeconds, signInSeconds, signUiToken, verifyUiToken } from './sessionToken';
import type { UiDeps } from './uiDeps';

export const sessionCookie = 'baton_ui';

export type Viewer = { ok: true; person: Person; identity: string } | { ok: false; reason: string };

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * @example
 *   await viewerOf({ cookie: 'baton_ui=eyJ…' }, deps); // locally, with a session from the sign-in link
 */
export async function viewerOf(
  request: { claims?: Record<string, unknown>; cookie?: string },
  deps: Pick<UiDeps, 'people' | 'signInKeys' | 'now'>,
): Promise<Viewer> {
  const email = request.claims?.email;
  if (typeof email === 'string' && email.length > 0) {
    // An IdP that says the address is unverified does not vouch for who holds it.
    if (request.claims?.email_verified === false || request.claims?.email_verified === 'false') {
      return { ok: false, reason: 'the token’s email is not verified' };
    }
    return { ok: true, person: personOf(deps.people, email), identity: email };
  }
  if (!deps.signInKeys) return { ok: false, reason: 'sign in: send a token from your identity provider' };
  const token = cookieValue(request.cookie, sessionCookie);
  if (!token) return { ok: false, reason: 'sign in: open the sign-in link `npm start` printed' };
  const verdict = verifyUiToken(token, await deps.signInKeys(), 'session', nowSeconds(deps.now()));
  if (!verdict.ok) return { ok: false, reason: `sign in again: ${verdict.reason}` };
  const person = personOf(deps.people, verdict.claims.person);
  return { ok: true, person, identity: person.email ?? person.name };
}

const nowSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

/**
 * The session a valid sign-in link starts, as a Set-Cookie value; undefined for any other token.
 *
 * @example
 *   await sessionFromSignIn(token, deps); // 'baton_ui=…; HttpOnly; SameSite=Strict; Path=/ui; Max-Age=28800'
 */
export async function sessionFromSignIn(
  token: string,
  deps: Pick<UiDeps, 'signInKeys' | 'now'>,
): Promise<string | undefined> {
  if (!deps.signInKeys) return undefined;
  const [key, ...older] = await deps.signInKeys();
  const now = nowSeconds(deps.now());
  const verdict = verifyUiToken(token, [key!, ...older], 'sign-in', now);
  if (!verdict.ok) return undefined;
  const session = signUiToken(
    { purpose: 'session', person: verdict.claims.person, exp: now + sessionSeconds },
    key!,
  );
  return `${sessionCookie}=${session}; HttpOnly; SameSite=Strict; Path=/ui; Max-Age=${sessionSeconds}`;
}

/**
 * The link `npm start` prints: the dashboard's sign-in route with a short-lived token for `person`.
 *
 * @example
 *   signInUrl('http://127.0.0.1:3080', key, 'alice', new Date()); // 'http://127.0.0.1:3080/ui/sign-in?token=…'
 */
export function signInUrl(baseUrl: string, key: string, person: string, now: Date): string {
  const token = signUiToken({ purpose: 'sign-in', person, exp: nowSeconds(now) + signInSeconds }, key);
  return `${baseUrl}/ui/sign-in?token=${token}`;
}
