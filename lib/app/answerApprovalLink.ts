/**
 * What a signed approval link answers: GET shows the version's summary for review (or, once the
 * link was used, what became of its decision); POST records the decision by queueing it, once per
 * link (one ledger record per decoded claims, so no other spelling of the link gets a record of
 * its own). The outcome says which page to show; lib/app/http/approvalResponses.ts renders it.
 *
 * @example
 *   await answerApprovalLink({ token, method: 'POST', form: 'decision=approve' }, deps);
 *   // { kind: 'recorded', model: 'fraud', version: '7', decision: 'approve' }
 */
import type { Answer } from '../domain/answers';
import { answerFor } from '../domain/answers';
import type { Artefact } from '../domain/artefact';
import type { CheckResult } from '../domain/checks';
import type { PromotionStore, SecretStore, TokenLedger } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';
import type { ArtefactRowsOf } from '../domain/servingPorts';
import { logger } from '../log';
import { approvalTokenId, verifyApprovalToken } from './ingress/approvalToken';

export interface ApprovalsDeps {
  queue: EventQueue;
  /** listAudit (optional): a used link's page shows the answer to its decision. */
  store: Pick<PromotionStore, 'getVersion'> & Partial<Pick<PromotionStore, 'listAudit'>>;
  ledger: TokenLedger;
  secrets: SecretStore;
  keyName: string;
  now: () => Date;
  /** How a pinned artefact reads on the review page, by its serving kind (the wiring's catalog). */
  artefactRows: ArtefactRowsOf;
}

export interface ReviewSummary {
  model: string;
  version: string;
  approver: string;
  phase: string | null;
  checks: CheckResult[];
  artefact?: Artefact;
}

export type ApprovalLinkOutcome =
  | { kind: 'expired' | 'invalid'; reason: string }
  | { kind: 'used'; answer: Answer | null }
  | { kind: 'review'; summary: ReviewSummary }
  | { kind: 'noDecision' }
  | { kind: 'alreadyUsed' }
  | { kind: 'recorded'; model: string; version: string; decision: 'approve' | 'reject' };

export async function answerApprovalLink(
  request: { token: string; method: string; form: string },
  deps: ApprovalsDeps,
): Promise<ApprovalLinkOutcome> {
  const keys = await deps.secrets.values(deps.keyName);
  const verdict = verifyApprovalToken(request.token, keys, Math.floor(deps.now().getTime() / 1000));
  if (!verdict.ok) return { kind: verdict.expired ? 'expired' : 'invalid', reason: verdict.reason };
  const { model, version, approver, exp } = verdict.claims;
  // Keyed on the decoded claims: no other spelling of this link gets a record of its own.
  const id = approvalTokenId(verdict.claims);
  if (request.method === 'GET') {
    // A used link shows what became of its decision (the worker's answer for `link:<id>`), refusals included.
    if (await deps.ledger.isUsed(id)) {
      const audit = deps.store.listAudit ? await deps.store.listAudit(model) : [];
      return { kind: 'used', answer: answerFor(audit, `link:${id}`) };
    }
    const state = await deps.store.getVersion(model, version);
    const { phase = null, checks = [], artefact } = state ?? {};
    return {
      kind: 'review',
      summary: { model, version, approver, phase, checks, ...(artefact && { artefact }) },
    };
  }
  const decision = new URLSearchParams(request.form).get('decision');
  if (decision !== 'approve' && decision !== 'reject') return { kind: 'noDecision' };
  if (!(await deps.ledger.claim(id, exp))) return { kind: 'alreadyUsed' };
  const receivedAt = deps.now().toISOString();
  const event = { type: 'decision', model, version, decision, actor: approver, via: 'link' } as const;
  try {
    await deps.queue.enqueue({ ...event, deliveryId: `link:${id}`, receivedAt });
  } catch (error) {
    // Not queued: give the link back so the approver can try again.
    await deps.ledger.release(id);
    throw error;
  }
  logger.info('queued link decision', { model, version, decision, approver });
  return { kind: 'recorded', model, version, decision };
}
