/**
 * Signed approval links have one spelling: base64url's spare bits, other JSON spellings of the
 * same claims and padding are refused as malformed, and the single-use record is keyed on the
 * decoded claims, so no spelling of a link decides twice (through the approvals handler too).
 */
import { describe, expect, it } from 'vitest';
import {
  type ApprovalClaims,
  approvalTokenId,
  signApprovalToken,
  verifyApprovalToken,
} from '../../lib/app/ingress/approvalToken';
import {
  approvalDeps,
  callApprovals,
  keys,
  linkRequest,
  MemoryLedger,
  nowSeconds,
  RecordingQueue,
  signApprovalPayload,
} from '../support/ingressHarness';

const key = keys.approval!;
const claims: ApprovalClaims = {
  model: 'fraud',
  version: '7',
  approver: 'bob@example.com',
  exp: nowSeconds + 3600,
};
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The four spellings of a base64url part whose last character carries two spare bits. */
function spareBitSpellings(part: string): string[] {
  const last = alphabet.indexOf(part.at(-1)!);
  return [0, 1, 2, 3].map((bits) => `${part.slice(0, -1)}${alphabet[(last & ~3) | bits]}`);
}

const token = signApprovalToken(claims, key);
const [payload, mac] = token.split('.') as [string, string];

describe('approval token spellings', () => {
  it('gives a 32-byte MAC whose last character has two spare bits, all zero when Baton signs', () => {
    const spellings = spareBitSpellings(mac);

    expect(mac).toHaveLength(43);
    expect(spellings[0]).toBe(mac);
    expect(new Set(spellings.map((s) => Buffer.from(s, 'base64url').toString('hex'))).size).toBe(1);
  });

  it.each(spareBitSpellings(mac).map((spelling, bits) => [bits, spelling]))(
    'verifies the MAC spelled with spare bits %i only when they are zero',
    (bits, spelling) => {
      const verdict = verifyApprovalToken(`${payload}.${spelling}`, [key], nowSeconds);

      expect(verdict).toEqual(
        bits === 0 ? { ok: true, claims } : { ok: false, reason: 'the link is malformed', expired: false },
      );
    },
  );

  it.each([
    ['the payload with non-zero spare bits', () => `${spareBitSpellings(payload)[1]}.${mac}`],
    ['padding on the MAC', () => `${payload}.${mac}=`],
    ['a MAC of another length', () => `${payload}.${mac}A`],
    [
      'the claims in another member order',
      () =>
        signApprovalPayload(
          JSON.stringify({ exp: claims.exp, approver: claims.approver, version: '7', model: 'fraud' }),
          key,
        ),
    ],
    ['the claims with spaces', () => signApprovalPayload(JSON.stringify(claims, null, 1), key)],
    [
      'the claims with an extra member',
      () => signApprovalPayload(JSON.stringify({ ...claims, admin: true }), key),
    ],
    [
      'the claims with a duplicated member',
      () => signApprovalPayload(JSON.stringify(claims).replace('{', '{"model":"other",'), key),
    ],
  ])('refuses %s as malformed, though it is signed', (_, spell) => {
    const verdict = verifyApprovalToken(spell(), [key], nowSeconds);

    expect(verdict).toEqual({ ok: false, reason: 'the link is malformed', expired: false });
  });

  it('keys single use on the decoded claims, the same whichever key signed them', () => {
    const rotated = signApprovalToken(claims, 'the-previous-key');
    const verdict = verifyApprovalToken(rotated, ['the-previous-key'], nowSeconds);

    expect(verdict.ok && approvalTokenId(verdict.claims)).toBe(approvalTokenId(claims));
    expect(approvalTokenId({ ...claims, version: '8' })).not.toBe(approvalTokenId(claims));
  });
});

describe('the approvals handler and non-canonical spellings', () => {
  const form = 'decision=approve';
  const variants = spareBitSpellings(mac)
    .slice(1)
    .map((spelling) => `${payload}.${spelling}`);

  it.each(variants)('answers %s with 401 and decides nothing', async (variant) => {
    const queue = new RecordingQueue();
    const ledger = new MemoryLedger();

    const response = await callApprovals(linkRequest('POST', variant, form), approvalDeps(queue, ledger));

    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('Baton cannot trust it: the link is malformed.');
    expect(queue.queued).toEqual([]);
    expect(ledger.used.size).toBe(0);
  });

  it('decides a link once, whatever spelling comes after the canonical one', async () => {
    const queue = new RecordingQueue();
    const ledger = new MemoryLedger();
    const deps = approvalDeps(queue, ledger);

    const first = await callApprovals(linkRequest('POST', token, form), deps);
    const others = await Promise.all(
      variants.map((variant) => callApprovals(linkRequest('POST', variant, form), deps)),
    );
    const again = await callApprovals(linkRequest('POST', token, 'decision=reject'), deps);

    expect(first.statusCode).toBe(200);
    expect(others.map((r) => r.statusCode)).toEqual([401, 401, 401]);
    expect(again.statusCode).toBe(409);
    expect(queue.queued).toHaveLength(1);
    expect(queue.queued[0]).toMatchObject({ decision: 'approve', actor: 'bob@example.com', via: 'link' });
    expect([...ledger.used]).toEqual([approvalTokenId(claims)]);
  });
});
