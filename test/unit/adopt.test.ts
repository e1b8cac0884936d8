/**
 * Lost state is safe: a version Baton has no record of but whose tags carry Baton's verdict is
 * adopted as the tags say (lib/domain/adopt.ts), with no registry write, alias move or notice.
 */
import { describe, expect, it } from 'vitest';
import type { ValidationFacts } from '../../lib/domain/checks';
import { decide } from '../../lib/domain/decide';
import { aCreatedEvent, aPolicy, aRun, aVersion } from '../support/builders';

const now = new Date('2026-11-22T12:00:00.000Z');
const policy = aPolicy();
const swept = aCreatedEvent({ source: 'reconciler', deliveryId: 'sweep:fraud:2' });
const facts = (tags: Record<string, string>, aliases: string[] = []): { validation: ValidationFacts } => ({
  validation: {
    version: aVersion({ tags: { git_sha: 'abc123', ...tags }, aliases }),
    run: aRun({ val_auc: 0.91, val_logloss: 0.412 }),
    champion: null,
  },
});

describe('adopting the state the registry records', () => {
  it.each([
    [
      'a rejected version',
      { validation_status: 'PASSED', 'baton.phase': 'rejected', 'baton.rejected_by': 'carol' },
      'rejected',
    ],
    [
      'a rolled-back version',
      { validation_status: 'PASSED', 'baton.phase': 'rolled_back', 'baton.rollback_reason': 'alarm' },
      'rolled_back',
    ],
    ['an archived champion', { validation_status: 'PASSED', 'baton.phase': 'archived' }, 'archived'],
    [
      'a failed version',
      { validation_status: 'FAILED', 'baton.phase': 'failed_validation' },
      'failed_validation',
    ],
    ['a rejection without a phase tag', { 'baton.rejected_by': 'carol' }, 'rejected'],
  ])('adopts %s without touching the registry', (_, tags, phase) => {
    const decision = decide(null, swept, policy, facts(tags), now);

    expect(decision.next?.phase).toBe(phase);
    expect(decision.effects).toEqual([]);
    expect(decision.audit.map((a) => a.kind)).toEqual(['state.adopted']);
  });

  it.each([
    ['no tags of Baton’s', {}],
    ['validation_status=PENDING only (crashed mid-validation)', { validation_status: 'PENDING' }],
    ['PENDING with the phase already written', { validation_status: 'PENDING', 'baton.phase': 'validated' }],
    ['a verdict without a phase tag (in flight)', { validation_status: 'PASSED' }],
    [
      'a decision in flight: awaiting approval',
      { validation_status: 'PASSED', 'baton.phase': 'awaiting_approval' },
    ],
    ['a decision in flight: rolling out', { validation_status: 'PASSED', 'baton.phase': 'rolling_out' }],
    ['a decision in flight: promoting', { validation_status: 'PASSED', 'baton.phase': 'promoting' }],
  ])('validates again a version with %s', (_, tags) => {
    const decision = decide(null, swept, policy, facts(tags), now);

    expect(decision.audit.map((a) => a.kind)).toEqual(['validation.passed']);
  });

  it('records the checks the tags hold and the tags as evidence', () => {
    const tags = {
      validation_status: 'FAILED',
      'baton.phase': 'failed_validation',
      'baton.check.metric.val_auc': 'FAIL: val_auc 0.7 < 0.8',
    };

    const { next, audit } = decide(null, swept, policy, facts(tags), now);

    expect(next?.checks).toEqual([{ id: 'metric.val_auc', passed: false, reason: 'val_auc 0.7 < 0.8' }]);
    expect(audit[0]?.evidence).toMatchObject({ phase: 'failed_validation', tags });
  });

  it('records who rejected the version', () => {
    const tags = { validation_status: 'PASSED', 'baton.phase': 'rejected', 'baton.rejected_by': 'carol' };

    const { next } = decide(null, swept, policy, facts(tags), now);

    expect(next?.rejectedBy).toBe('carol');
  });

  it('makes a promoted version that still holds the alias Baton’s champion of record', () => {
    const tags = { validation_status: 'PASSED', 'baton.phase': 'promoted', 'baton.approved_by': 'bob' };

    const { next, effects } = decide(null, swept, policy, facts(tags, ['champion']), now);

    expect(next?.phase).toBe('promoted');
    expect(effects).toEqual([{ type: 'recordChampion', version: '2', ifNone: true }]);
  });

  it('does not make a promoted version that lost the alias Baton’s champion', () => {
    const tags = { validation_status: 'PASSED', 'baton.phase': 'promoted' };

    const { effects } = decide(null, swept, policy, facts(tags, ['archive']), now);

    expect(effects).toEqual([]);
  });

  it.each([
    ['awaiting approval', 'awaiting_approval'],
    ['validated', 'validated'],
  ])(
    'validates afresh a version tagged %s whose checks fail now (tags never stand in for checks)',
    (_, tagged) => {
      const forged = { validation_status: 'PASSED', 'baton.phase': tagged };
      const diverged = {
        validation: { ...facts(forged).validation, run: aRun({ val_auc: Number.NaN, val_logloss: 0.412 }) },
      };

      const decision = decide(null, swept, policy, diverged, now);

      expect(decision.next?.phase).toBe('failed_validation');
      expect(decision.audit.map((a) => a.kind)).toEqual(['validation.failed']);
    },
  );

  it('validates afresh a version tagged promoted whose checks fail now (a forged verdict)', () => {
    const forged = { validation_status: 'PASSED', 'baton.phase': 'promoted' };
    const diverged = {
      validation: {
        ...facts(forged, ['champion']).validation,
        run: aRun({ val_auc: Number.NaN, val_logloss: 0.412 }),
      },
    };

    const decision = decide(null, swept, policy, diverged, now);

    expect(decision.next?.phase).toBe('failed_validation');
    expect(decision.effects).not.toContainEqual(expect.objectContaining({ type: 'recordChampion' }));
  });
});
