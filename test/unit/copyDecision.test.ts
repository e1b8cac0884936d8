/** When a version that passes here is copied to the policy's next environment, and who may ask by hand. */
import { describe, expect, it } from 'vitest';
import { decideCopyByHand, withCopyRequest } from '../../lib/domain/copyDecision';
import type { Decision } from '../../lib/domain/decision';
import type { VersionState } from '../../lib/domain/state';
import { aControlEvent, aPolicy } from '../support/builders';

const now = new Date('2026-12-02T12:00:00Z');
const state = (phase: string): VersionState =>
  ({
    model: 'fraud',
    version: '7',
    phase,
    revision: 3,
    updatedAt: now.toISOString(),
    checks: [{ id: 'x', passed: true, reason: 'ok' }],
    promotion: { previousChampion: null, approvedBy: ['ana'], startedAt: now.toISOString() },
  }) as VersionState;
const passedVerdict = {
  at: now.toISOString(),
  model: 'fraud',
  version: '7',
  kind: 'validation.passed',
  actor: 'baton',
  cause: 'c',
  evidence: {},
};
const policy = (when: string) =>
  aPolicy({
    approval: { approvers: ['ana'] },
    promote: { copyTo: { registry: 'prod', model: 'prod.fraud' }, when },
  });

describe('withCopyRequest', () => {
  it.each([
    [
      'validated',
      'a fresh passing verdict',
      null,
      { next: state('awaiting_approval'), effects: [], audit: [passedVerdict] },
      true,
    ],
    [
      'validated',
      'a promotion without a new verdict',
      state('promoting'),
      { next: state('promoted'), effects: [], audit: [] },
      false,
    ],
    [
      'approved',
      'becoming champion here',
      state('promoting'),
      { next: state('promoted'), effects: [], audit: [] },
      true,
    ],
    [
      'approved',
      'a fresh passing verdict awaiting approval',
      null,
      { next: state('awaiting_approval'), effects: [], audit: [passedVerdict] },
      false,
    ],
    [
      'approved',
      'a champion already promoted before',
      state('promoted'),
      { next: state('promoted'), effects: [], audit: [] },
      false,
    ],
  ])('when: %s, on %s, asks for the copy: %s', (when, _what, previous, decision, copies) => {
    // Act
    const result = withCopyRequest(previous as VersionState | null, decision as Decision, policy(when), now);

    // Assess
    expect(result.effects.some((e) => e.type === 'copyVersion')).toBe(copies);
    expect(result.effects.some((e) => e.type === 'setAlias' && e.alias === 'staging')).toBe(copies);
  });
});

describe('decideCopyByHand', () => {
  it.each([
    ['bob', state('promoted'), undefined, 'bob is not an approver of fraud'],
    [
      'ana',
      state('failed_validation'),
      undefined,
      'fraud v7 has not passed validation (it is failed_validation)',
    ],
    ['ana', state('promoted'), 'qa', 'fraud promotes only to prod, not to qa'],
  ])('refuses %s copying a %s version to %s with "%s"', (actor, current, environment, reason) => {
    // Prepare
    const event = { ...aControlEvent('copy', actor), environment };

    // Act
    const decision = decideCopyByHand(current, event, policy('approved'), {}, now);

    // Assess
    const entry = decision.effects.find((e) => e.type === 'audit');
    expect(entry && 'entry' in entry && entry.entry.evidence.reason).toBe(reason);
  });

  it('copies a passed version when an approver asks', () => {
    // Act
    const decision = decideCopyByHand(
      state('promoted'),
      { ...aControlEvent('copy', 'ana'), environment: 'prod' },
      policy('approved'),
      {},
      now,
    );

    // Assess
    expect(decision.effects).toContainEqual({
      type: 'copyVersion',
      version: '7',
      registry: 'prod',
      model: 'prod.fraud',
      approvedBy: ['ana'],
    });
  });
});
