/**
 * An approver who decided through a link is told the outcome on a later visit to the same link:
 * the approvals function answers at once ("queued"), the worker decides, and the used link's page
 * then shows the worker's answer, refusals with their reason.
 */
import { describe, expect, it } from 'vitest';
import type { PromotionEvent } from '../../events/promotionEvent';
import { type ApprovalsDeps, approvals } from '../../functions/approvals';
import type { HttpEvent } from '../../lib/app/http/apiGateway';
import { signApprovalToken } from '../../lib/app/ingress/approvalToken';
import { processEvent } from '../../lib/app/processEvent';
import type { ModelLedger } from '../../lib/domain/ports';
import { artefactRowsOf } from '../../lib/wiring/catalog';
import { aPolicy } from '../support/builders';
import { MemoryNotifier, MemoryRegistry, MemoryStore, withNullDeps } from '../support/fakes';

const now = new Date('2026-11-22T12:00:00.000Z');
const key = 'link-key';
const policy = aPolicy({ approval: { required: true, approvers: ['bob@example.com'], expiresAfter: '72h' } });

function linkStack() {
  const store = new MemoryStore();
  const used = new Set<string>();
  const queued: PromotionEvent[] = [];
  const deps: ApprovalsDeps = {
    queue: { enqueue: async (event) => void queued.push(event) },
    store,
    ledger: {
      claim: async (id) => !used.has(id) && Boolean(used.add(id)),
      isUsed: async (id) => used.has(id),
      release: async (id) => void used.delete(id),
    },
    secrets: { values: async () => [key] } as unknown as ApprovalsDeps['secrets'],
    keyName: 'approval-link-key',
    now: () => now,
    artefactRows: artefactRowsOf,
  };
  const ledger = {
    leaseHolder: async () => null,
    appendAudit: async (e) => void store.audit.push(e),
  } as Partial<ModelLedger> as ModelLedger;
  const worker = async () => {
    for (const event of queued.splice(0)) {
      await processEvent(
        event,
        withNullDeps({
          registry: new MemoryRegistry(),
          store,
          ledger,
          notifier: new MemoryNotifier(),
          policyFor: () => policy,
          now: () => now,
        }),
      );
    }
  };
  return { deps, worker };
}

const request = (token: string, method: 'GET' | 'POST', body?: string) =>
  ({
    pathParameters: { token },
    requestContext: { http: { method } },
    body,
    isBase64Encoded: false,
  }) as unknown as HttpEvent;

describe('a used approval link', () => {
  const token = signApprovalToken(
    { model: 'fraud', version: '9', approver: 'bob@example.com', exp: now.getTime() / 1000 + 3600 },
    key,
  );

  it('shows the refusal of its decision, with the reason, once the worker has decided', async () => {
    const { deps, worker } = linkStack();
    await approvals(request(token, 'POST', 'decision=approve'), deps);
    await worker();

    const page = await approvals(request(token, 'GET'), deps);

    expect(page.statusCode).toBe(409);
    expect(page.body).toContain(
      'Baton refused your decision: fraud v9 is not waiting for approval (it is unknown to Baton).',
    );
  });

  it('says only that it was used while the worker has not decided yet', async () => {
    const { deps } = linkStack();
    await approvals(request(token, 'POST', 'decision=approve'), deps);

    const page = await approvals(request(token, 'GET'), deps);

    expect(page.statusCode).toBe(409);
    expect(page.body).toContain('Each link works once.');
    expect(page.body).not.toContain('Baton refused');
  });
});
