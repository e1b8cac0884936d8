/**
 * Fuzzes GET and POST /approvals/{token} in-process with an in-memory ledger and queue: forged,
 * mangled and hostile-but-signed tokens, and hostile form bodies. Every answer is an HTML page
 * without a stack trace or a script; signed claims in any spelling but the one Baton signs are
 * malformed; a decision is queued only for a valid, unexpired, unused link and a form that says
 * approve or reject, and each link decides once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approvalClaimsSchema, signApprovalToken } from '../../lib/app/ingress/approvalToken';
import {
  approvalDeps,
  callApprovals,
  keys,
  linkRequest,
  MemoryLedger,
  nowSeconds,
  RecordingQueue,
  readableByWorker,
  signApprovalPayload,
} from '../support/ingressHarness';
import { hostileJsonText, maybe, modelName, oddText, randomBytes, runs } from './arbitraries';
import { expectHtmlPage } from './expectations';

const timeout = 300_000;
const method = fc.constantFrom<'GET' | 'POST'>('GET', 'POST');
const b64url = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: min,
    maxLength: max,
  });

const claims = fc.record({
  model: maybe(modelName),
  version: maybe(fc.nat({ max: 999_999 }).map(String)),
  approver: maybe(fc.constantFrom('bob@example.com', 'U024BE7LH', '"><img src=x>@example.com')),
  exp: maybe(fc.integer({ min: nowSeconds - 600, max: nowSeconds + 86_400 })),
});
const validClaims = { model: 'fraud', version: '7', approver: 'bob@example.com', exp: nowSeconds + 3600 };

/** Tokens Baton never signed: text, look-alikes, wrong keys, one character changed. */
const forgedToken = fc.oneof(
  oddText,
  fc.constantFrom('', '.', '..', 'a.b.c', 'x'.repeat(100_000)),
  fc.tuple(b64url(1, 200), b64url(43, 43)).map(([p, s]) => `${p}.${s}`),
  hostileJsonText(claims).map((json) => signApprovalPayload(json, 'not-the-key')),
  fc.nat().map((i) => {
    const token = signApprovalToken(validClaims, keys.approval!);
    const at = i % token.length;
    return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
  }),
);

const form = fc.oneof(
  fc.constantFrom(
    'decision=approve',
    'decision=reject',
    'decision=APPROVE',
    'decision=approve&decision=reject',
  ),
  fc.constantFrom('decision=%E0%A4%A', 'decision', '', 'decision=approve\r\nx=1', 'decision[]=approve'),
  randomBytes.map(String),
  oddText.map((text) => `decision=${text}`),
);

describe('approval links fuzz: GET and POST /approvals/{token}', () => {
  it(
    'answers forged and mangled tokens with a 401 page and records nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(method, forgedToken, form, async (verb, token, body) => {
          const queue = new RecordingQueue();
          const ledger = new MemoryLedger();

          const response = await callApprovals(linkRequest(verb, token, body), approvalDeps(queue, ledger));

          expectHtmlPage(response, [401]);
          expect(queue.queued).toEqual([]);
          expect(ledger.used.size).toBe(0);
        }),
        runs(1000),
      );
    },
    timeout,
  );

  it(
    'treats signed hostile claims as valid, expired or malformed, and decides a valid link once',
    async () => {
      await fc.assert(
        fc.asyncProperty(method, hostileJsonText(claims), form, async (verb, json, body) => {
          const queue = new RecordingQueue();
          const ledger = new MemoryLedger();
          const deps = approvalDeps(queue, ledger);
          const token = signApprovalPayload(json);
          const parsed = approvalClaimsSchema.safeParse(JSON.parse(json));
          // Only the spelling Baton signs is a link: its members in order, nothing else, no spaces.
          const canonical =
            parsed.success &&
            json ===
              JSON.stringify({
                model: parsed.data.model,
                version: parsed.data.version,
                approver: parsed.data.approver,
                exp: parsed.data.exp,
              });
          const live = canonical && nowSeconds < parsed.data!.exp;
          const decision = new URLSearchParams(body).get('decision');
          const decides = live && verb === 'POST' && (decision === 'approve' || decision === 'reject');

          const response = await callApprovals(linkRequest(verb, token, body), deps);

          if (!canonical) expectHtmlPage(response, [401]);
          else if (!live) expectHtmlPage(response, [410]);
          else expectHtmlPage(response, verb === 'GET' ? [200] : decides ? [200] : [400]);
          expect(queue.queued).toHaveLength(decides ? 1 : 0);
          for (const event of queue.queued) {
            expect(readableByWorker(event)).toBe(true);
            expect(event).toMatchObject({
              type: 'decision',
              model: parsed.data!.model,
              decision,
              via: 'link',
            });
          }
          if (!decides) return;
          const again = await callApprovals(linkRequest(verb, token, body), deps);
          expectHtmlPage(again, [409]);
          expect(queue.queued).toHaveLength(1);
        }),
        runs(1000),
      );
    },
    timeout,
  );

  it(
    'gives the link back when the decision cannot be queued, so the approver can retry',
    async () => {
      await fc.assert(
        fc.asyncProperty(claims, fc.constantFrom('approve', 'reject'), async (c, decision) => {
          const parsed = approvalClaimsSchema.safeParse(c);
          fc.pre(parsed.success && nowSeconds < parsed.data.exp);
          const ledger = new MemoryLedger();
          const request = linkRequest('POST', signApprovalPayload(JSON.stringify(c)), `decision=${decision}`);

          await expect(
            callApprovals(request, approvalDeps(new RecordingQueue(true), ledger)),
          ).rejects.toThrow(/queue_unavailable/);
          expect(ledger.used.size).toBe(0);
          const retry = await callApprovals(request, approvalDeps(new RecordingQueue(), ledger));
          expectHtmlPage(retry, [200]);
        }),
        runs(300),
      );
    },
    timeout,
  );
});
