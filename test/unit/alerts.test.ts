import { describe, expect, it } from 'vitest';
import type { ControlEvent, MonitoringAlert } from '../../events/promotionEvent';
import { decideAlert } from '../../lib/domain/alertActions';
import { routeAlert } from '../../lib/domain/alertRouting';
import { decide } from '../../lib/domain/decide';
import type { AlertFacts } from '../../lib/domain/decision';
import type { Effect } from '../../lib/domain/effects';
import type { Policy } from '../../lib/domain/policy';
import type { VersionState } from '../../lib/domain/state';
import { policySchema } from '../../lib/wiring/policySchema';
import { answerRows } from '../support/answers';
import { aControlEvent, anAlert, anAlertEvent } from '../support/builders';

const now = new Date('2026-11-22T12:00:00.000Z');
const minutesAgo = (m: number) => now.getTime() - m * 60_000;
const retrainTarget = { target: { kind: 'http', url: 'https://ml.example.com/retrain' }, cooldown: '6h' };
const fraud = policySchema.parse({
  model: 'fraud',
  approval: { approvers: ['ana@example.com'] },
  rollout: {
    endpoint: { kind: 'sagemaker', name: 'fraud-prod' },
    steps: [10, 50, 100],
    bakeTime: '5s',
    abortOnAlarms: ['fraud-5xx'],
  },
  onAlert: [
    { match: { alarm: 'fraud-prod-*' }, action: 'rollback' },
    { match: { labels: { team: 'fraud', severity: 'page' } }, action: 'rollback' },
    { match: { endpoint: 'fraud-prod', variant: 'v7' }, action: 'abort' },
    { match: { alarm: 'fraud-drift' }, action: 'retrain' },
    { match: { alarm: 'fraud-*' }, action: 'notify' },
  ],
  retrain: retrainTarget,
});
const churn = policySchema.parse({
  model: 'churn',
  onAlert: [
    { match: {}, action: 'rollback' },
    { match: { labels: {} }, action: 'rollback' },
    { match: { labels: { team: 'churn' } }, action: 'notify' },
  ],
});
const policies: Record<string, Policy> = { fraud, churn };
const policyFor = (model: string) => policies[model];

const champion: VersionState = {
  model: 'fraud',
  version: '7',
  phase: 'promoted',
  revision: 9,
  updatedAt: '2026-11-22T10:00:00.000Z',
  rollout: {
    endpoint: 'fraud-prod',
    kind: 'sagemaker',
    champion: '6',
    approvedBy: ['ana@example.com'],
    startedAt: '2026-11-22T09:00:00.000Z',
    step: 2,
    weights: { '7': 100 },
    deadline: Date.parse('2026-11-22T11:00:00.000Z'),
    alarms: ['fraud-5xx'],
  },
};
const archived: VersionState = {
  model: 'fraud',
  version: '6',
  phase: 'archived',
  revision: 12,
  updatedAt: '2026-11-22T10:00:00.000Z',
};
const canary: VersionState = {
  model: 'fraud',
  version: '8',
  phase: 'rolling_out',
  revision: 4,
  dueAt: now.getTime() + 5_000,
  updatedAt: '2026-11-22T11:59:55.000Z',
  rollout: {
    endpoint: 'fraud-prod',
    kind: 'sagemaker',
    champion: '7',
    approvedBy: ['ana@example.com'],
    startedAt: '2026-11-22T11:59:50.000Z',
    step: 1,
    weights: { '7': 50, '8': 50 },
    deadline: now.getTime() + 45_000,
    alarms: ['fraud-5xx'],
  },
};
const toArchive: AlertFacts = { alertActed: false, rollbackTarget: { version: '6', state: archived } };
const firing = { reason: '5xx above 2 %' };
const slack = 'https://hooks.slack.com/actions/T/1/x';

const traffic = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'shiftTraffic' ? [e.weights] : []));
const notices = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'notify' ? [e.notification] : []));
const tagsOf = (effects: Effect[], version: string) =>
  Object.assign(
    {},
    ...effects.flatMap((e) => (e.type === 'setTags' && e.version === version ? [e.tags] : [])),
  );

/** An effect list as people would describe it: the endpoint, the registry, the records, the messages. */
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
      case 'recordChampion':
        return `champion v${e.version}`;
      case 'recordPhase':
        return `record v${e.version} ${e.phase}`;
      case 'releaseLease':
        return `releaseLease v${e.version}`;
      case 'recordAlert':
        return `recordAlert ${e.acted ? 'acted' : 'seen'}${e.retrainedAt ? ` retrainedAt ${e.retrainedAt}` : ''}`;
      case 'retrain':
        return `retrain: ${e.reason}`;
      case 'notify':
        return `notify ${e.notification.kind}`;
      case 'respond':
        return `respond: ${e.text}`;
      case 'audit':
        return `audit ${e.entry.kind}`;
      default:
        return e.type;
    }
  });
}

describe('routing an alert to the models it concerns', () => {
  it.each<[string, Partial<MonitoringAlert>, string[], ReturnType<typeof routeAlert>]>([
    [
      'by an alarm-name glob',
      { name: 'fraud-prod-5xx' },
      ['fraud', 'churn'],
      [{ model: 'fraud', action: 'rollback', rule: 0 }],
    ],
    ['by a glob over the whole name only', { name: 'staging-fraud-prod-5xx' }, ['fraud', 'churn'], []],
    [
      'by labels, every one of them',
      { name: 'HighErrorRate', labels: { team: 'fraud', severity: 'page', env: 'prod' } },
      ['fraud'],
      [{ model: 'fraud', action: 'rollback', rule: 1 }],
    ],
    ['not by some of the labels', { name: 'HighErrorRate', labels: { team: 'fraud' } }, ['fraud'], []],
    [
      'by endpoint and variant',
      { name: 'ModelLatency', endpoint: 'fraud-prod', variant: 'v7' },
      ['fraud'],
      [{ model: 'fraud', action: 'abort', rule: 2 }],
    ],
    [
      'not by the endpoint with another variant',
      { name: 'ModelLatency', endpoint: 'fraud-prod', variant: 'v6' },
      ['fraud'],
      [],
    ],
    [
      'by the first matching rule',
      { name: 'fraud-drift' },
      ['fraud'],
      [{ model: 'fraud', action: 'retrain', rule: 3 }],
    ],
    [
      'to the model the alert names, known or not',
      { name: 'HighErrorRate', labels: { team: 'churn' }, model: 'churn' },
      ['fraud'],
      [{ model: 'churn', action: 'notify', rule: 2 }],
    ],
    ['only to the model the alert names', { name: 'fraud-prod-5xx', model: 'churn' }, ['fraud', 'churn'], []],
    ['nowhere for a model no policy covers', { name: 'fraud-prod-5xx', model: 'unknown' }, ['fraud'], []],
    [
      'once to a model listed twice',
      { name: 'fraud-prod-5xx' },
      ['fraud', 'fraud'],
      [{ model: 'fraud', action: 'rollback', rule: 0 }],
    ],
    ['never by a rule with an empty match', { name: 'anything', labels: { team: 'ops' } }, ['churn'], []],
  ])('routes %s', (_, alert, models, routes) => {
    expect(routeAlert(anAlert(alert), models, policyFor)).toEqual(routes);
  });
});

describe('a firing rollback alert on the champion', () => {
  it('puts the archive version back on all traffic first, then the aliases, records, tags and notice', () => {
    const result = decide(
      champion,
      anAlertEvent({ action: 'rollback', rule: 0 }, firing),
      fraud,
      toArchive,
      now,
    );

    expect(result.next?.phase).toBe('rolled_back');
    expect(summary(result.effects)).toEqual([
      'traffic v6 100%',
      'alias champion→6',
      'champion v6',
      'unalias archive from 6',
      'tags v7 baton.phase=rolled_back',
      'tags v6 baton.phase=promoted',
      'record v6 promoted',
      'recordAlert acted',
      'notify rollback.completed',
    ]);
    expect(tagsOf(result.effects, '7')).toMatchObject({
      'baton.rollback_reason': 'alert fraud-prod-5xx (cloudwatch): 5xx above 2 %',
      'baton.rollback_alert': 'cloudwatch:fraud-prod-5xx',
      'baton.rolled_back_by': 'alert:cloudwatch',
    });
    expect(notices(result.effects)).toEqual([
      expect.objectContaining({ kind: 'rollback.completed', version: '7', to: '6', by: 'alert:cloudwatch' }),
    ]);
    expect(result.audit).toEqual([
      expect.objectContaining({
        kind: 'rollback.completed',
        evidence: expect.objectContaining({ from: '7', to: '6' }),
      }),
    ]);
  });

  it.each<[string, AlertFacts['rollbackTarget']]>([
    [
      'a version that failed validation',
      { version: '6', state: { ...archived, phase: 'failed_validation' } },
    ],
    ['a version already rolled back', { version: '6', state: { ...archived, phase: 'rolled_back' } }],
    ['a version Baton has no record of', { version: '6', state: null }],
    ['no archive version at all', null],
    ['the champion itself', { version: '7', state: champion }],
  ])('pages people instead of returning to %s', (_, rollbackTarget) => {
    const result = decide(
      champion,
      anAlertEvent({ action: 'rollback', rule: 0 }, firing),
      fraud,
      { alertActed: false, rollbackTarget },
      now,
    );

    expect(result.next?.phase).toBe('promoted');
    expect(summary(result.effects)).toEqual(['recordAlert acted', 'notify rollback.impossible']);
    expect(result.audit.map((a) => a.kind)).toEqual(['rollback.refused']);
  });

  it('records a resolved alert and does nothing else', () => {
    const result = decide(
      champion,
      anAlertEvent({ action: 'rollback', rule: 0 }, { state: 'resolved' }),
      fraud,
      toArchive,
      now,
    );

    expect(result.next?.phase).toBe('promoted');
    expect(result.effects).toEqual([]);
    expect(result.audit.map((a) => a.kind)).toEqual(['alert.resolved']);
  });

  it('records a repeat of an episode already acted on, and acts no more', () => {
    const result = decide(
      champion,
      anAlertEvent({ action: 'rollback', rule: 0 }, firing),
      fraud,
      { ...toArchive, alertActed: true },
      now,
    );

    expect(result.next?.phase).toBe('promoted');
    expect(summary(result.effects)).toEqual(['recordAlert seen']);
    expect(result.audit.map((a) => a.kind)).toEqual(['alert.repeated']);
  });

  it('ignores an abort alert when no canary is running', () => {
    const result = decide(
      champion,
      anAlertEvent({ action: 'abort', rule: 2 }, firing),
      fraud,
      toArchive,
      now,
    );

    expect(result.next?.phase).toBe('promoted');
    expect(result.effects).toEqual([]);
    expect(result.audit.map((a) => a.kind)).toEqual(['alert.ignored']);
  });
});

describe('a firing alert during a canary', () => {
  it.each(['rollback', 'abort'] as const)('takes the single abort path when the rule says %s', (action) => {
    const result = decide(
      canary,
      anAlertEvent({ action, rule: 0 }, firing, { version: '8' }),
      fraud,
      {},
      now,
    );

    expect(result.next?.phase).toBe('aborted');
    expect(summary(result.effects)).toEqual([
      'traffic v7 100%',
      'unalias challenger from 8',
      'tags v8 baton.phase=aborted',
      'releaseLease v8',
      'notify rollout.aborted',
      'recordAlert acted',
    ]);
    expect(tagsOf(result.effects, '8')['baton.abort_reason']).toBe(
      'alert fraud-prod-5xx (cloudwatch): 5xx above 2 %',
    );
    expect(result.audit).toEqual([
      expect.objectContaining({
        kind: 'rollout.aborted',
        evidence: expect.objectContaining({ alert: expect.objectContaining({ name: 'fraud-prod-5xx' }) }),
      }),
    ]);
  });
});

describe('retraining on an alert', () => {
  const drift = anAlertEvent({ action: 'retrain', rule: 3 }, { name: 'fraud-drift', reason: 'PSI 0.31' });

  it('asks for retraining, remembering when for the cooldown, and tells people', () => {
    const result = decide(champion, drift, fraud, { alertActed: false, lastRetrainAt: null }, now);

    expect(summary(result.effects)).toEqual([
      'retrain: alert fraud-drift: PSI 0.31',
      `recordAlert acted retrainedAt ${now.toISOString()}`,
      'notify retrain.requested',
    ]);
    expect(result.audit.map((a) => a.kind)).toEqual(['retrain.requested']);
  });

  it('skips retraining within the cooldown', () => {
    const result = decide(
      champion,
      drift,
      fraud,
      { alertActed: false, lastRetrainAt: new Date(minutesAgo(60)).toISOString() },
      now,
    );

    expect(summary(result.effects)).toEqual(['recordAlert seen']);
    expect(result.audit).toEqual([
      expect.objectContaining({
        kind: 'retrain.skipped',
        evidence: expect.objectContaining({ reason: expect.stringMatching(/within the 6h cooldown/) }),
      }),
    ]);
  });

  it('skips retraining when the policy names no target', () => {
    const result = decide(champion, drift, { ...fraud, retrain: undefined }, { alertActed: false }, now);

    expect(result.effects).toEqual([]);
    expect(result.audit.map((a) => a.evidence.reason)).toEqual(['the policy names no retraining target']);
  });

  const persistent = {
    ...fraud,
    retrain: policySchema.parse({
      model: 'fraud',
      retrain: { ...retrainTarget, require: { firing: 2, windows: 3, window: '10m' } },
    }).retrain,
  };
  it.each<[string, number[], string]>([
    ['skips it, having fired only now', [], 'retrain.skipped'],
    ['skips it, having fired now and earlier in the same window', [minutesAgo(5)], 'retrain.skipped'],
    ['asks for it, having fired now and in the second window', [minutesAgo(15)], 'retrain.requested'],
    ['asks for it, having fired now and in the third window', [minutesAgo(25)], 'retrain.requested'],
    ['skips it, having fired now and exactly three windows ago', [minutesAgo(30)], 'retrain.skipped'],
    ['skips it, having fired now and before the last three windows', [minutesAgo(35)], 'retrain.skipped'],
  ])('with require 2 of 3 windows of 10m, %s', (_, recentFirings, kind) => {
    const result = decide(champion, drift, persistent, { alertActed: false, recentFirings }, now);

    expect(result.audit.map((a) => a.kind)).toEqual([kind]);
  });
});

describe('a notify alert', () => {
  it('tells people, once per episode', () => {
    const result = decide(
      champion,
      anAlertEvent({ action: 'notify', rule: 4 }, { name: 'fraud-latency' }),
      fraud,
      { alertActed: false },
      now,
    );

    expect(summary(result.effects)).toEqual(['recordAlert acted', 'notify alert.received']);
    expect(notices(result.effects)).toEqual([
      expect.objectContaining({ kind: 'alert.received', version: '7', action: 'notify' }),
    ]);
    expect(result.audit.map((a) => a.kind)).toEqual(['alert.notified']);
  });

  it.each([
    ['notify', { action: 'notify' as const, rule: 4 }, 'alert.notified'],
    ['retrain', { action: 'retrain' as const, rule: 3 }, 'retrain.requested'],
  ])('keeps the model’s audit entry (%s) when Baton holds no version of it', (_, route, kind) => {
    const result = decideAlert(
      null,
      anAlertEvent(route, { name: 'fraud-drift' }),
      fraud,
      { alertActed: false },
      now,
    );

    expect(result.next).toBeNull();
    expect(summary(result.effects)).toContain(`audit ${kind}`);
  });
});

describe('a rollback by hand', () => {
  const byHand = (extra = {}) =>
    aControlEvent('rollback', 'ana@example.com', { responseUrl: slack, ...extra });

  it('returns to the version named with --to', () => {
    const previous: VersionState = { ...archived, version: '5' };

    const result = decide(
      champion,
      byHand({ to: '5' }),
      fraud,
      { rollbackTarget: { version: '5', state: previous } },
      now,
    );

    expect(result.next?.phase).toBe('rolled_back');
    expect(traffic(result.effects)).toEqual([{ '5': 100 }]);
    expect(result.effects).toContainEqual({ type: 'setAlias', alias: 'champion', version: '5' });
    expect(tagsOf(result.effects, '7')).toMatchObject({
      'baton.rollback_reason': 'rolled back by ana@example.com',
      'baton.rolled_back_by': 'ana@example.com',
    });
    expect(summary(result.effects)).toContain('respond: Rolled back by ana@example.com.');
    expect(result.audit).toEqual([
      expect.objectContaining({
        kind: 'rollback.completed',
        actor: 'ana@example.com',
        evidence: expect.objectContaining({ to: '5' }),
      }),
    ]);
  });

  it.each<[string, VersionState | null, string]>([
    [
      'an archived version',
      archived,
      'Not done: fraud has no promoted champion to roll back (v7 is archived)',
    ],
    [
      'a version Baton never saw',
      null,
      'Not done: fraud has no promoted champion to roll back (v7 is unknown)',
    ],
  ])('refuses for %s, saying why', (_, state, text) => {
    const result = decide(state && { ...state, version: '7' }, byHand(), fraud, toArchive, now);

    expect(result.next).toBeNull();
    expect(summary(result.effects)).toEqual(['audit control.refused', `respond: ${text}`]);
  });

  it('tells the person it was not done when no version is safe to return to', () => {
    const result = decide(champion, byHand(), fraud, { rollbackTarget: null }, now);

    expect(result.next?.phase).toBe('promoted');
    expect(summary(result.effects)).not.toContain('respond: Rolled back by ana@example.com.');
    expect(summary(result.effects)).toEqual([
      'notify rollback.impossible',
      'respond: Not done: no version holds the archive alias',
    ]);
  });

  it('aborts a running canary by the single abort path', () => {
    const result = decide(canary, byHand({ version: '8' }), fraud, {}, now);

    expect(result.next?.phase).toBe('aborted');
    expect(summary(result.effects)).toEqual([
      'traffic v7 100%',
      'unalias challenger from 8',
      'tags v8 baton.phase=aborted',
      'releaseLease v8',
      'notify rollout.aborted',
      'respond: Aborted by ana@example.com.',
    ]);
  });
});

describe('every rollback by hand gets an answer, recorded under its delivery id', () => {
  const byHand = (actor: string, extra: Partial<ControlEvent> = {}) =>
    aControlEvent('rollback', actor, { responseUrl: slack, ...extra });
  it.each<[string, VersionState | null, ControlEvent, AlertFacts, string, string, string]>([
    [
      'refuses --to from a non-approver',
      champion,
      byHand('carol@example.com', { to: '6' }),
      toArchive,
      'control.refused',
      'refused',
      'carol@example.com is not an approver of fraud, so cannot choose --to',
    ],
    [
      'refuses when there is no champion at all',
      null,
      byHand('ana@example.com', { version: undefined }),
      {},
      'control.refused',
      'refused',
      'fraud has no promoted champion to roll back',
    ],
    [
      'refuses a target that is not safe',
      champion,
      byHand('ana@example.com', { to: '5' }),
      { rollbackTarget: { version: '5', state: { ...archived, version: '5', phase: 'rejected' } } },
      'rollback.refused',
      'refused',
      'fraud was not rolled back: v5 is not a safe target (rejected)',
    ],
    [
      'refuses a target that never held champion (--to is no way round the quorum)',
      champion,
      byHand('ana@example.com', { to: '5' }),
      {
        rollbackTarget: { version: '5', state: { ...archived, version: '5', phase: 'awaiting_approval' } },
      },
      'rollback.refused',
      'refused',
      'fraud was not rolled back: v5 is not a safe target (awaiting_approval)',
    ],
    [
      'rolls back',
      champion,
      byHand('ana@example.com'),
      toArchive,
      'rollback.completed',
      'applied',
      'rolled back fraud to v6',
    ],
    [
      'aborts a running canary',
      canary,
      byHand('ana@example.com', { version: '8' }),
      {},
      'rollout.aborted',
      'applied',
      'aborted the rollout of fraud v8: v7 serves 100 % again',
    ],
  ])('%s', (_, state, event, facts, kind, outcome, message) => {
    const result = decide(state, event, fraud, facts, now);

    expect(answerRows(result)).toEqual([[kind, outcome, message, event.deliveryId]]);
  });

  it('tells the person why --to was refused', () => {
    const result = decide(champion, byHand('carol@example.com', { to: '6' }), fraud, toArchive, now);

    expect(summary(result.effects)).toEqual([
      'audit control.refused',
      'respond: Not done: carol@example.com is not an approver of fraud, so cannot choose --to',
    ]);
  });
});
