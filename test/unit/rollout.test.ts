import { describe, expect, it } from 'vitest';
import type { ControlEvent, DecisionEvent, PromotionEvent } from '../../events/promotionEvent';
import { decide, type Facts } from '../../lib/domain/decide';
import type { Effect } from '../../lib/domain/effects';
import type { Policy } from '../../lib/domain/policy';
import type { AuditEntry, VersionState } from '../../lib/domain/state';
import { answerRows } from '../support/answers';
import { aControlEvent, aDueEvent, aPolicy } from '../support/builders';

type Rollout = NonNullable<VersionState['rollout']>;

const t0 = Date.parse('2026-11-22T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const bake = 5_000;
/** The policy gives no deadline: 3 × 3 steps × 5 s. */
const deadline = t0 + 45_000;
const approvers = ['ana@example.com', 'U024BE7LH'];
const rolloutPolicy = {
  endpoint: { kind: 'sagemaker', name: 'fraud-prod' },
  steps: [10, 50, 100],
  bakeTime: '5s',
  abortOnAlarms: ['fraud-5xx'],
};
const policy = aPolicy({ approval: { approvers, minApprovals: 1 }, rollout: rolloutPolicy });
const superseding = aPolicy({
  approval: { approvers, minApprovals: 1 },
  rollout: { ...rolloutPolicy, whileBusy: 'supersede' },
});

const awaiting: VersionState = {
  model: 'fraud',
  version: '7',
  phase: 'awaiting_approval',
  revision: 3,
  registeredBy: 'dev@example.com',
  comparedWith: '6',
  approvals: [],
  expiresAt: iso(t0 + 3_600_000),
  dueAt: t0 + 3_600_000,
  updatedAt: iso(t0 - 60_000),
};

/** v7 at step `step` of its canary beside champion v6, next check after the bake time. */
function rolling(rollout: Partial<Rollout> = {}, fields: Partial<VersionState> = {}): VersionState {
  return {
    ...awaiting,
    phase: 'rolling_out',
    revision: 4,
    approvals: [{ by: 'ana@example.com', at: iso(t0), via: 'slack' }],
    dueAt: t0 + bake,
    rollout: {
      endpoint: 'fraud-prod',
      kind: 'sagemaker',
      champion: '6',
      approvedBy: ['ana@example.com'],
      startedAt: iso(t0),
      step: 0,
      weights: { '6': 90, '7': 10 },
      stepAt: iso(t0),
      deadline,
      alarms: ['fraud-5xx'],
      ...rollout,
    },
    ...fields,
  };
}
const paused = rolling(
  { paused: { reason: 'no data from fraud-5xx (INSUFFICIENT_DATA)', by: 'baton', at: iso(t0 + bake) } },
  { dueAt: deadline },
);
const waiting = rolling(
  { step: -1, weights: {}, stepAt: undefined, waitingFor: '5' },
  { dueAt: t0 + 30_000 },
);
const promoted = rolling(
  { step: 2, weights: { '7': 100 }, cleanupAt: t0 + 3_615_000 },
  { phase: 'promoted', dueAt: t0 + 3_615_000 },
);

const approve = (actor = 'ana@example.com'): DecisionEvent => ({
  type: 'decision',
  model: 'fraud',
  version: '7',
  decision: 'approve',
  actor,
  via: 'slack',
  deliveryId: `approve-${actor}`,
  receivedAt: iso(t0),
});
const slack = 'https://hooks.slack.com/actions/T/1/x';
const aliases = { champion: '6', challenger: '7' };
const alarms = (state: string) => ({ alarms: [{ name: 'fraud-5xx', state, reason: 'Threshold Crossed' }] });
const healthy: Facts = { ...alarms('OK'), lease: '7' };

/** Decides as the worker does: store `next`, and while `again`, decide again on it with the same event. */
function work(
  state: VersionState | null,
  event: PromotionEvent,
  facts: Facts,
  now: number,
  p: Policy = policy,
) {
  const effects: Effect[] = [];
  const audit: AuditEntry[] = [];
  let next: VersionState | null = null;
  let current = state;
  for (let round = 0; round < 3; round++) {
    const decision = decide(current, event, p, facts, new Date(now));
    effects.push(...decision.effects);
    audit.push(...decision.audit);
    if (decision.next) next = decision.next;
    if (!decision.again || !decision.next) break;
    current = decision.next;
  }
  return { next, effects, audit };
}

/** The due event the tick finds for a stored state, delivered at its deadline. */
function tick(state: VersionState, facts: Facts) {
  return work(state, aDueEvent(state.dueAt!), facts, state.dueAt!);
}

/** The weights the endpoint is told to serve, in order. */
const traffic = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'shiftTraffic' ? [e.weights] : []));
const notices = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'notify' ? [e.notification] : []));
const said = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'respond' ? [e.text] : []));
const tagsOf = (effects: Effect[], version: string) =>
  Object.assign(
    {},
    ...effects.flatMap((e) => (e.type === 'setTags' && e.version === version ? [e.tags] : [])),
  );

/** An effect list as people would describe it: the endpoint, the registry, the lease, the messages. */
function summary(effects: Effect[]): string[] {
  return effects.map((e) => {
    switch (e.type) {
      case 'shiftTraffic':
        return `traffic ${Object.entries(e.weights)
          .map(([v, w]) => `v${v} ${w}%`)
          .join(' · ')}`;
      case 'setAlias':
        return `alias ${e.alias}→${e.version}`;
      case 'deleteAlias':
        return `unalias ${e.alias} from ${e.version}`;
      case 'setTags':
        return `tags v${e.version} baton.phase=${e.tags['baton.phase'] ?? '-'}`;
      case 'takeLease':
      case 'releaseLease':
        return `${e.type} v${e.version}`;
      case 'notify':
        return `notify ${e.notification.kind}`;
      case 'respond':
        return `respond: ${e.text}`;
      case 'enqueue':
        return e.event.type === 'control' ? `enqueue ${e.event.action} v${e.event.version}` : 'enqueue';
      case 'finaliseEndpoint':
        return `finalise ${e.endpoint} for v${e.version}`;
      case 'recordChampion':
        return `champion v${e.version}`;
      case 'recordPhase':
        return `record v${e.version} ${e.phase}`;
      default:
        return e.type;
    }
  });
}

const abortEffects = [
  'traffic v6 100%',
  'unalias challenger from 7',
  'tags v7 baton.phase=aborted',
  'releaseLease v7',
  'notify rollout.aborted',
];
const promotionEffects = [
  'traffic v7 100%',
  'alias archive→6',
  'alias champion→7',
  'champion v7',
  'unalias challenger from 7',
  'tags v7 baton.phase=promoted',
  'tags v6 baton.phase=archived',
  'record v6 archived',
  'releaseLease v7',
  'notify promotion.completed',
];

describe('a canary rollout', () => {
  it('takes an approved challenger through 10, 50 and 100 % and promotes it after the last step has baked', () => {
    const audit: string[] = [];

    const approved = work(awaiting, approve(), { aliases, lease: null }, t0);
    audit.push(...approved.audit.map((a) => a.kind));
    expect(approved.next).toMatchObject({ phase: 'rolling_out', dueAt: t0 + bake });
    expect(traffic(approved.effects)).toEqual([{ '6': 90, '7': 10 }]);
    expect(approved.effects).toContainEqual({ type: 'takeLease', version: '7' });
    expect(tagsOf(approved.effects, '7')).toMatchObject({ 'baton.rollout': 'step 1 of 3: v6 90% · v7 10%' });

    const half = tick(approved.next!, healthy);
    audit.push(...half.audit.map((a) => a.kind));
    expect(half.next).toMatchObject({ phase: 'rolling_out', dueAt: t0 + 2 * bake });
    expect(traffic(half.effects)).toEqual([{ '6': 50, '7': 50 }]);

    const all = tick(half.next!, healthy);
    audit.push(...all.audit.map((a) => a.kind));
    expect(all.next).toMatchObject({ phase: 'rolling_out', dueAt: t0 + 3 * bake });
    expect(traffic(all.effects)).toEqual([{ '6': 0, '7': 100 }]);

    const first = decide(all.next, aDueEvent(all.next!.dueAt!), policy, healthy, new Date(t0 + 3 * bake));
    expect(first).toMatchObject({ again: true, next: { phase: 'promoting' } });
    const done = tick(all.next!, healthy);
    audit.push(...done.audit.map((a) => a.kind));
    expect(done.next?.phase).toBe('promoted');
    expect(traffic(done.effects)).toEqual([{ '7': 100 }]);
    expect(summary(done.effects)).toEqual(promotionEffects);
    expect(done.next?.rollout).toMatchObject({ weights: { '7': 100 }, cleanupAt: t0 + 3 * bake + 3_600_000 });
    expect(done.next?.dueAt).toBe(t0 + 3 * bake + 3_600_000);
    expect(audit).toEqual([
      'approval.recorded',
      'rollout.started',
      'rollout.step',
      'rollout.step',
      'rollout.step',
      'rollout.completed',
      'promotion.completed',
    ]);

    const cleaned = tick(done.next!, {});
    expect(cleaned.next).toMatchObject({ phase: 'promoted', dueAt: undefined });
    expect(summary(cleaned.effects)).toEqual(['finalise fraud-prod for v7']);
  });

  it('serves a first version alone in one step, then promotes it with no archive', () => {
    const approved = work(
      awaiting,
      approve(),
      { aliases: { champion: null, challenger: '7' }, lease: null },
      t0,
    );
    expect(approved.next).toMatchObject({ phase: 'rolling_out', dueAt: t0 + bake });
    expect(traffic(approved.effects)).toEqual([{ '7': 100 }]);
    expect(tagsOf(approved.effects, '7')).toMatchObject({ 'baton.rollout': 'step 1 of 1: v7 100%' });

    const done = tick(approved.next!, healthy);
    expect(done.next?.phase).toBe('promoted');
    expect(done.effects.filter((e) => e.type === 'setAlias')).toEqual([
      { type: 'setAlias', alias: 'champion', version: '7' },
    ]);
    expect(done.next?.rollout?.cleanupAt).toBeUndefined();
  });
});

describe('the check before each step', () => {
  it.each([
    ['an alarm in ALARM', 'ALARM', 'aborted', abortEffects],
    ['an alarm with INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'rolling_out', ['notify rollout.paused']],
    ['an alarm that does not exist (MISSING)', 'MISSING', 'rolling_out', ['notify rollout.paused']],
    ['every alarm OK', 'OK', 'rolling_out', ['traffic v6 50% · v7 50%', 'tags v7 baton.phase=rolling_out']],
  ])('with %s: %s', (_, alarmState, phase, effects) => {
    const result = tick(rolling(), { ...alarms(alarmState), lease: '7' });

    expect(result.next?.phase).toBe(phase);
    expect(summary(result.effects)).toEqual(effects);
  });

  it('names the firing alarm in the abort reason people see', () => {
    const result = tick(rolling(), { ...alarms('ALARM'), lease: '7' });

    expect(tagsOf(result.effects, '7')['baton.abort_reason']).toBe(
      'alarm fraud-5xx is ALARM (Threshold Crossed)',
    );
    expect(notices(result.effects)).toEqual([
      expect.objectContaining({
        kind: 'rollout.aborted',
        by: 'baton',
        champion: '6',
        reason: expect.stringMatching(/fraud-5xx/),
      }),
    ]);
    expect(result.next?.rollout?.weights).toEqual({ '6': 100 });
  });

  it('pauses on no data until the deadline, asking people to look', () => {
    const result = tick(rolling(), { ...alarms('INSUFFICIENT_DATA'), lease: '7' });

    expect(result.next).toMatchObject({ dueAt: deadline, rollout: { paused: { by: 'baton' } } });
    expect(notices(result.effects)).toEqual([
      expect.objectContaining({
        kind: 'rollout.paused',
        reason: 'no data from fraud-5xx (INSUFFICIENT_DATA): the step is not proven healthy',
        weights: { '6': 90, '7': 10 },
      }),
    ]);
  });
});

describe('people steering a rollout', () => {
  it.each([
    [
      'pauses for anyone',
      rolling(),
      aControlEvent('pause', 'someone@example.com', { responseUrl: slack, reason: 'latency looks odd' }),
      {},
      'rolling_out',
      ['respond: Paused by someone@example.com.', 'notify rollout.paused'],
    ],
    [
      'resumes for an approver, with no data, to the next step',
      paused,
      aControlEvent('resume', 'U024BE7LH', { responseUrl: slack }),
      { ...alarms('INSUFFICIENT_DATA'), lease: '7' },
      'rolling_out',
      ['respond: Resumed by U024BE7LH.', 'traffic v6 50% · v7 50%', 'tags v7 baton.phase=rolling_out'],
    ],
    [
      'refuses to resume for someone who is not an approver',
      paused,
      aControlEvent('resume', 'someone@example.com', { responseUrl: slack }),
      { ...alarms('OK'), lease: '7' },
      null,
      ['audit', 'respond: Not done: someone@example.com is not an approver of fraud'],
    ],
    [
      'refuses to resume a rollout that is not paused',
      rolling(),
      aControlEvent('resume', 'U024BE7LH', { responseUrl: slack }),
      { ...alarms('OK'), lease: '7' },
      null,
      ['audit', 'respond: Not done: the rollout of v7 is not paused'],
    ],
    [
      'aborts for anyone, by the single abort path',
      rolling(),
      aControlEvent('abort', 'someone@example.com', { responseUrl: slack }),
      { lease: '7' },
      'aborted',
      [...abortEffects, 'respond: Aborted by someone@example.com: v6 serves 100 % again.'],
    ],
    [
      'promotes now for an approver: all traffic to the challenger, then the promotion',
      rolling(),
      aControlEvent('promote', 'ana@example.com'),
      { lease: '7' },
      'promoted',
      ['traffic v7 100%', ...promotionEffects],
    ],
    [
      'refuses to promote now for someone who is not an approver',
      rolling(),
      aControlEvent('promote', 'someone@example.com', { responseUrl: slack }),
      { lease: '7' },
      null,
      ['audit', 'respond: Not done: someone@example.com is not an approver of fraud'],
    ],
    [
      'refuses any control of a version that is not rolling out',
      promoted,
      aControlEvent('pause', 'ana@example.com', { responseUrl: slack }),
      {},
      null,
      ['audit', 'respond: Not done: fraud has no rollout running'],
    ],
    [
      'refuses any control of a version Baton never saw',
      null,
      aControlEvent('abort', 'ana@example.com', { responseUrl: slack }),
      {},
      null,
      ['audit', 'respond: Not done: fraud has no rollout running'],
    ],
  ])('%s', (_, state, event, facts, phase, effects) => {
    const result = work(state, event, facts, t0 + 2_000);

    expect(result.next?.phase ?? null).toBe(phase);
    expect(summary(result.effects)).toEqual(effects);
  });

  it('keeps the pause until the deadline and records who paused and why', () => {
    const result = work(
      rolling(),
      aControlEvent('pause', 'someone@example.com', { reason: 'odd' }),
      {},
      t0 + 2_000,
    );

    expect(result.next).toMatchObject({
      dueAt: deadline,
      rollout: { paused: { reason: 'odd', by: 'someone@example.com' } },
    });
  });

  it('records which approver accepted a step without data', () => {
    const result = work(paused, aControlEvent('resume', 'U024BE7LH'), alarms('MISSING'), t0 + 8_000);

    expect(result.next?.rollout).toMatchObject({ step: 1, paused: undefined });
    expect(result.next?.dueAt).toBe(t0 + 8_000 + bake);
    expect(result.audit).toEqual([
      expect.objectContaining({
        kind: 'rollout.step',
        evidence: expect.objectContaining({ noDataAcceptedBy: 'U024BE7LH' }),
      }),
    ]);
  });

  it('aborts by hand with the same endpoint, alias, tag, lease and notice as an alarm', () => {
    const byHand = work(rolling(), aControlEvent('abort', 'someone@example.com'), {}, t0 + 2_000);
    const byAlarm = tick(rolling(), { ...alarms('ALARM'), lease: '7' });

    expect(summary(byHand.effects)).toEqual(summary(byAlarm.effects));
    expect(tagsOf(byHand.effects, '7')).toMatchObject({
      'baton.abort_reason': 'abort by someone@example.com',
      'baton.aborted_by': 'someone@example.com',
    });
  });
});

describe('deadlines, the lease and cleanup', () => {
  it.each([
    [
      'aborts a rollout that passed its deadline',
      paused,
      aDueEvent(deadline),
      { ...alarms('OK'), lease: '7' },
      deadline,
      'aborted',
      abortEffects,
    ],
    [
      'ignores a stale due (the deadline moved since the tick read it)',
      rolling(),
      aDueEvent(t0 + 1_000),
      { ...alarms('OK'), lease: '7' },
      t0 + 5_000,
      null,
      [],
    ],
    [
      'ignores a due that arrives before its time',
      rolling(),
      aDueEvent(t0 + bake),
      { ...alarms('OK'), lease: '7' },
      t0 + 1_000,
      null,
      [],
    ],
    [
      'leaves a paused rollout alone until someone resumes it',
      rolling({ paused: { reason: 'odd', by: 'someone@example.com', at: iso(t0) } }),
      aDueEvent(t0 + bake),
      { ...alarms('OK'), lease: '7' },
      t0 + bake,
      null,
      [],
    ],
    [
      'waits while another version holds the lease, looking again in 30 s',
      waiting,
      aDueEvent(t0 + 30_000),
      { lease: '5' },
      t0 + 30_000,
      'rolling_out',
      [],
    ],
    [
      'starts with step 1 once the lease is free',
      waiting,
      aDueEvent(t0 + 30_000),
      { lease: null },
      t0 + 30_000,
      'rolling_out',
      [
        'takeLease v7',
        'traffic v6 90% · v7 10%',
        'tags v7 baton.phase=rolling_out',
        'notify rollout.started',
      ],
    ],
    [
      'removes the old champion’s variant after the termination wait',
      promoted,
      aDueEvent(promoted.dueAt!),
      {},
      promoted.dueAt!,
      'promoted',
      ['finalise fraud-prod for v7'],
    ],
  ])('%s', (_, state, event, facts, now, phase, effects) => {
    const result = work(state, event, facts, now);

    expect(result.next?.phase ?? null).toBe(phase);
    expect(summary(result.effects)).toEqual(effects);
  });

  it('queues an approved version behind the rollout that holds the lease, saying so once', () => {
    const approved = work(awaiting, approve(), { aliases, lease: '5' }, t0);
    const again = tick(approved.next!, { lease: '5' });

    expect(approved.next).toMatchObject({
      phase: 'rolling_out',
      dueAt: t0 + 30_000,
      rollout: { step: -1, waitingFor: '5' },
    });
    expect(traffic(approved.effects)).toEqual([]);
    expect(approved.effects).not.toContainEqual({ type: 'takeLease', version: '7' });
    expect(approved.audit.map((a) => a.kind)).toEqual(['approval.recorded', 'rollout.waiting']);
    expect(again.next).toMatchObject({ dueAt: t0 + 60_000, rollout: { waitingFor: '5' } });
    expect(again.audit).toEqual([]);
  });

  it('with whileBusy: supersede, asks the running rollout to abort, once', () => {
    const approved = work(awaiting, approve(), { aliases, lease: '5' }, t0, superseding);
    const again = work(approved.next, aDueEvent(t0 + 30_000), { lease: '5' }, t0 + 30_000, superseding);

    expect(summary(approved.effects)).toEqual(['enqueue abort v5']);
    expect(approved.effects[0]).toMatchObject({
      event: { type: 'control', model: 'fraud', version: '5', action: 'abort', reason: 'superseded by v7' },
    });
    expect(again.next?.rollout?.waitingFor).toBe('5');
    expect(again.effects).toEqual([]);
  });

  it('keeps a paused rollout that waits for the lease waiting when it is resumed', () => {
    const pausedWhileWaiting = work(waiting, aControlEvent('pause', 'someone@example.com'), {}, t0 + 10_000);

    const resumed = work(
      pausedWhileWaiting.next,
      aControlEvent('resume', 'U024BE7LH'),
      { lease: '5' },
      t0 + 20_000,
    );

    expect(resumed.next).toMatchObject({
      phase: 'rolling_out',
      dueAt: t0 + 50_000,
      rollout: { step: -1, waitingFor: '5', paused: undefined },
    });
    expect(traffic(resumed.effects)).toEqual([]);
    expect(resumed.audit.map((a) => [a.kind, a.actor])).toEqual([['rollout.resumed', 'U024BE7LH']]);
  });

  it('starts a paused rollout that waited for the lease with step 1 when it is resumed after the lease frees', () => {
    const pausedWhileWaiting = work(waiting, aControlEvent('pause', 'someone@example.com'), {}, t0 + 10_000);

    const resumed = work(
      pausedWhileWaiting.next,
      aControlEvent('resume', 'U024BE7LH'),
      { lease: null },
      t0 + 20_000,
    );

    expect(resumed.next).toMatchObject({ phase: 'rolling_out', rollout: { step: 0, paused: undefined } });
    expect(summary(resumed.effects)).toEqual([
      'takeLease v7',
      'traffic v6 90% · v7 10%',
      'tags v7 baton.phase=rolling_out',
      'notify rollout.started',
    ]);
  });

  it('refuses to promote now a version whose rollout has not started', () => {
    const result = work(
      waiting,
      aControlEvent('promote', 'ana@example.com', { responseUrl: slack }),
      { lease: '5' },
      t0 + 10_000,
    );

    expect(result.next).toBeNull();
    expect(traffic(result.effects)).toEqual([]);
    expect(said(result.effects)).toEqual([expect.stringMatching(/^Not done: .*v5/)]);
  });
});

describe('redelivery', () => {
  it('sets the same weights when the same due is decided twice on the same stored state', () => {
    const state = rolling();

    const first = tick(state, healthy);
    const redelivered = tick(state, healthy);

    expect(traffic(redelivered.effects)).toEqual(traffic(first.effects));
    expect(redelivered.next).toEqual(first.next);
  });

  it('never applies a step twice: the same due on the state stored after it changes nothing', () => {
    const state = rolling();
    const first = tick(state, healthy);

    const redelivered = work(first.next, aDueEvent(state.dueAt!), healthy, state.dueAt! + 1_000);

    expect(first.next?.rollout?.step).toBe(1);
    expect(redelivered).toEqual({ next: null, effects: [], audit: [] });
  });
});

describe('every control of a rollout gets an answer, recorded under its delivery id', () => {
  it.each<[string, VersionState | null, ControlEvent, Facts, string, string, string]>([
    [
      'refuses to resume for a non-approver',
      paused,
      aControlEvent('resume', 'carol@example.com'),
      { lease: '7' },
      'control.refused',
      'refused',
      'carol@example.com is not an approver of fraud',
    ],
    [
      'refuses to pause when no rollout is running',
      null,
      aControlEvent('pause', 'ana@example.com', { version: undefined }),
      { lease: null },
      'control.refused',
      'refused',
      'fraud has no rollout running',
    ],
    [
      'refuses to steer a version while another one rolls out',
      promoted,
      aControlEvent('abort', 'ana@example.com'),
      { lease: '8' },
      'control.refused',
      'refused',
      'fraud v7 is not rolling out (it is promoted); v8 is',
    ],
    [
      'refuses to pause a paused rollout',
      paused,
      aControlEvent('pause', 'ana@example.com'),
      { lease: '7' },
      'control.refused',
      'refused',
      'the rollout of v7 is already paused',
    ],
    [
      'pauses',
      rolling(),
      aControlEvent('pause', 'someone@example.com'),
      { lease: '7' },
      'rollout.paused',
      'applied',
      'paused the rollout of fraud v7',
    ],
    [
      'aborts',
      rolling(),
      aControlEvent('abort', 'someone@example.com'),
      { lease: '7' },
      'rollout.aborted',
      'applied',
      'aborted the rollout of fraud v7: v6 serves 100 % again',
    ],
    [
      'promotes now',
      rolling(),
      aControlEvent('promote', 'ana@example.com'),
      { lease: '7' },
      'rollout.completed',
      'applied',
      'promoted fraud v7 now: it takes all traffic',
    ],
  ])('%s', (_, state, event, facts, kind, outcome, message) => {
    const result = decide(state, event, policy, facts, new Date(t0 + 2_000));

    expect(answerRows(result)).toEqual([[kind, outcome, message, event.deliveryId]]);
  });

  it('tells a Slack user why a control was refused', () => {
    const event = aControlEvent('pause', 'ana@example.com', { version: undefined, responseUrl: slack });

    const result = decide(null, event, policy, { lease: null }, new Date(t0));

    expect(said(result.effects)).toEqual(['Not done: fraud has no rollout running']);
  });
});
