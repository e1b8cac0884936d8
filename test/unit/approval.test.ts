import { describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../events/promotionEvent';
import type { ValidationFacts } from '../../lib/domain/checks';
import { decide } from '../../lib/domain/decide';
import type { Effect } from '../../lib/domain/effects';
import type { VersionState } from '../../lib/domain/state';
import { answerRows } from '../support/answers';
import { aCreatedEvent, aPolicy, aRun, aVersion } from '../support/builders';

const now = new Date('2026-11-22T12:00:00.000Z');
const approval = {
  required: true,
  approvers: ['U024BE7LH', 'alice@example.com', 'bob@example.com', 'carol@example.com'],
  minApprovals: 2,
  expiresAfter: '72h',
};
const policy = aPolicy({ approval });
const waiting: VersionState = {
  model: 'fraud',
  version: '2',
  phase: 'awaiting_approval',
  revision: 1,
  updatedAt: '2026-11-22T11:00:00.000Z',
  registeredBy: 'alice@example.com',
  approvals: [],
  expiresAt: '2026-11-25T11:00:00.000Z',
  dueAt: Date.parse('2026-11-25T11:00:00.000Z'),
};
const aliases = { champion: '1', challenger: '2' };
const decision = (
  actor: string,
  d: 'approve' | 'reject' = 'approve',
  extra: Partial<DecisionEvent> = {},
): DecisionEvent => ({
  type: 'decision',
  model: 'fraud',
  version: '2',
  decision: d,
  actor,
  via: 'slack',
  deliveryId: `${actor}-${d}`,
  receivedAt: now.toISOString(),
  responseUrl: 'https://hooks.slack.com/actions/T/1/x',
  ...extra,
});
const said = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'respond' ? [e.text] : []));
const kinds = (effects: Effect[]) =>
  effects.map((e) =>
    e.type === 'notify'
      ? `notify ${e.notification.kind}`
      : e.type === 'deleteAlias'
        ? `unalias ${e.alias}`
        : e.type,
  );

describe('approval decisions', () => {
  it.each([
    [
      'a non-approver',
      waiting,
      decision('mallory@example.com'),
      'awaiting_approval',
      /mallory@example.com is not an approver of fraud/,
    ],
    [
      'the version’s own author',
      waiting,
      decision('Alice@Example.com'),
      'awaiting_approval',
      /registered v2 and cannot approve it/,
    ],
    [
      'a version already promoted',
      { ...waiting, phase: 'promoted' as const },
      decision('bob@example.com'),
      'promoted',
      /is not waiting for approval \(it is promoted\)/,
    ],
    ['a version never seen', null, decision('bob@example.com'), null, /unknown to Baton/],
  ])('refuses a decision by %s, with the reason', (_, state, event, phase, reason) => {
    const result = decide(state, event, policy, { aliases }, now);

    expect(result.next?.phase ?? null).toBe(phase);
    expect(said(result.effects)).toEqual([expect.stringMatching(reason)]);
    if (state) expect(result.audit.map((a) => a.kind)).toEqual(['decision.refused']);
  });

  it('marks a version superseded when a newer one holds the challenger alias, and refuses the decision', () => {
    const result = decide(
      waiting,
      decision('bob@example.com'),
      policy,
      { aliases: { champion: '1', challenger: '3' } },
      now,
    );

    expect(result.next?.phase).toBe('superseded');
    expect(said(result.effects)).toEqual(['Not recorded: v2 was superseded by v3']);
  });

  it('expires a request decided too late', () => {
    const late = new Date('2026-11-26T00:00:00.000Z');

    const result = decide(waiting, decision('bob@example.com'), policy, { aliases }, late);

    expect(result.next?.phase).toBe('expired');
    expect(kinds(result.effects)).toEqual([
      'setTags',
      'unalias challenger',
      'notify approval.expired',
      'respond',
    ]);
  });

  it('records one approval short of the quorum and keeps waiting', () => {
    const result = decide(waiting, decision('U024BE7LH'), policy, { aliases }, now);

    expect(result.next).toMatchObject({
      phase: 'awaiting_approval',
      approvals: [{ by: 'U024BE7LH', via: 'slack' }],
    });
    expect(said(result.effects)).toEqual(['Approved by U024BE7LH (1 of 2); waiting for more approvers.']);
  });

  it('counts the same approver once', () => {
    const once = { ...waiting, approvals: [{ by: 'U024BE7LH', at: 'x', via: 'slack' }] };

    const result = decide(once, decision('U024BE7LH'), policy, { aliases }, now);

    expect(result.next).toBeNull();
    expect(said(result.effects)).toEqual(['U024BE7LH had already approved v2.']);
  });

  it('records the promotion’s intent when a second person approves, then promotes', () => {
    const once = { ...waiting, approvals: [{ by: 'U024BE7LH', at: 'x', via: 'slack' }] };

    const intent = decide(
      once,
      decision('bob@example.com', 'approve', { via: 'link' }),
      policy,
      { aliases },
      now,
    );
    const finish = decide(intent.next, decision('bob@example.com'), policy, {}, now);

    expect(intent).toMatchObject({
      again: true,
      next: {
        phase: 'promoting',
        promotion: { previousChampion: '1', approvedBy: ['U024BE7LH', 'bob@example.com'] },
      },
    });
    expect(finish.next?.phase).toBe('promoted');
    expect(finish.effects.filter((e) => e.type === 'setAlias')).toEqual([
      { type: 'setAlias', alias: 'archive', version: '1' },
      { type: 'setAlias', alias: 'champion', version: '2' },
    ]);
    expect(kinds(finish.effects)).toEqual([
      'setAlias',
      'setAlias',
      'recordChampion',
      'unalias challenger',
      'setTags',
      'setTags',
      'recordPhase',
      'notify promotion.completed',
    ]);
    expect(finish.audit).toEqual([
      expect.objectContaining({
        kind: 'promotion.completed',
        actor: 'U024BE7LH, bob@example.com',
        evidence: { previousChampion: '1', approvedBy: ['U024BE7LH', 'bob@example.com'] },
      }),
    ]);
  });

  it('finishes a recorded promotion whatever event arrives next (a crash between alias calls converges)', () => {
    const promoting: VersionState = {
      ...waiting,
      phase: 'promoting',
      promotion: { previousChampion: '1', approvedBy: ['bob@example.com'], startedAt: 'x' },
    };

    const result = decide(
      promoting,
      aCreatedEvent({ kind: 'model_version_alias.created', alias: 'champion' }),
      policy,
      {},
      now,
    );

    expect(result.next?.phase).toBe('promoted');
    expect(result.effects).toContainEqual({ type: 'setAlias', alias: 'archive', version: '1' });
  });

  it('rejects: tags, challenger removed, people told', () => {
    const result = decide(
      waiting,
      decision('carol@example.com', 'reject', { reason: 'drift in the eval set' }),
      policy,
      { aliases },
      now,
    );

    expect(result.next).toMatchObject({ phase: 'rejected', rejectedBy: 'carol@example.com' });
    expect(kinds(result.effects)).toEqual([
      'setTags',
      'unalias challenger',
      'notify approval.rejected',
      'respond',
    ]);
  });
});

describe('validation under an approval policy', () => {
  const facts: ValidationFacts = {
    version: aVersion(),
    run: aRun({ val_auc: 0.91, val_logloss: 0.412 }),
    champion: { version: aVersion({ version: '1' }), run: aRun({ val_logloss: 0.409, val_auc: 0.9 }) },
  };

  it('asks the approvers, with a deadline in the DueIndex', () => {
    const result = decide(null, aCreatedEvent(), policy, { validation: facts }, now);

    expect(result.next).toMatchObject({
      phase: 'awaiting_approval',
      expiresAt: '2026-11-25T12:00:00.000Z',
      dueAt: Date.parse('2026-11-25T12:00:00.000Z'),
    });
    expect(result.effects.at(-1)).toMatchObject({
      type: 'notify',
      notification: {
        kind: 'approval.requested',
        approvers: approval.approvers,
        minApprovals: 2,
        champion: { version: '1', metrics: { val_logloss: 0.409, val_auc: 0.9 } },
      },
    });
  });

  it('promotes straight away when the policy needs no approval and no rollout', () => {
    const auto = aPolicy({ approval: { required: false } });

    const result = decide(null, aCreatedEvent(), auto, { validation: facts }, now);

    expect(result).toMatchObject({
      again: true,
      next: { phase: 'promoting', revision: 1, promotion: { previousChampion: '1', approvedBy: [] } },
    });
  });

  it('expires a request when its deadline comes due', () => {
    const due = {
      type: 'due' as const,
      model: 'fraud',
      version: '2',
      dueAt: waiting.dueAt!,
      deliveryId: 'd',
      receivedAt: 'x',
    };

    const early = decide(waiting, due, policy, {}, now);
    const late = decide(waiting, due, policy, {}, new Date(waiting.dueAt! + 1));

    expect(early.next).toBeNull();
    expect(late.next?.phase).toBe('expired');
  });
});

describe('every decision gets an answer, recorded under its delivery id', () => {
  const once = { ...waiting, approvals: [{ by: 'U024BE7LH', at: 'x', via: 'slack' }] };
  it.each<[string, VersionState | null, DecisionEvent, string, string, string]>([
    [
      'refuses a non-approver',
      waiting,
      decision('mallory@example.com'),
      'decision.refused',
      'refused',
      'mallory@example.com is not an approver of fraud',
    ],
    [
      'refuses a version Baton does not know, in the model’s audit',
      null,
      decision('bob@example.com', 'approve', { version: '99' }),
      'decision.refused',
      'refused',
      'fraud v99 is not waiting for approval (it is unknown to Baton)',
    ],
    [
      'refuses a second approval by the same person',
      once,
      decision('U024BE7LH'),
      'decision.refused',
      'refused',
      'U024BE7LH has already approved fraud v2 (it counts once)',
    ],
    [
      'refuses a decision too late',
      waiting,
      decision('bob@example.com'),
      'decision.refused',
      'refused',
      'the approval request has expired',
    ],
    [
      'counts an approval short of the quorum',
      waiting,
      decision('bob@example.com'),
      'approval.recorded',
      'applied',
      'approved by bob@example.com (1 of 2)',
    ],
    [
      'counts the approval that reaches the quorum',
      once,
      decision('bob@example.com'),
      'approval.recorded',
      'applied',
      'approved by bob@example.com (2 of 2): promoting fraud v2 to champion',
    ],
    [
      'records a rejection',
      waiting,
      decision('bob@example.com', 'reject'),
      'approval.rejected',
      'applied',
      'rejected by bob@example.com: fraud v2 will not be promoted',
    ],
  ])('%s', (name, state, event, kind, outcome, message) => {
    const at = name.includes('too late') ? new Date('2026-11-26T00:00:00.000Z') : now;

    const result = decide(state, event, policy, { aliases }, at);

    expect(answerRows(result)).toEqual([[kind, outcome, message, event.deliveryId]]);
  });

  it('tells a Slack user why a decision was refused', () => {
    const result = decide(null, decision('bob@example.com', 'approve', { version: '99' }), policy, {}, now);

    expect(said(result.effects)).toEqual([
      'Not recorded: fraud v99 is not waiting for approval (it is unknown to Baton)',
    ]);
  });
});
