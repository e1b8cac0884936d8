/**
 * Approval rules with the people directory: approvers are people, whichever identity they act
 * with (Slack id, e-mail through a link, a name through the CLI). Quorum counts people, and
 * self-approval is refused through any of the registering person's identities.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../events/promotionEvent';
import { decide } from '../../lib/domain/decide';
import type { Effect } from '../../lib/domain/effects';
import { buildPeopleDirectory } from '../../lib/domain/people';
import { isApprover } from '../../lib/domain/rolloutControls';
import type { VersionState } from '../../lib/domain/state';
import { aPolicy } from '../support/builders';

const now = new Date('2026-11-22T12:00:00.000Z');
const { directory: people } = buildPeopleDirectory({
  alice: { email: 'alice@acme.io', slack: 'U0ALICE', registry: ['alice'] },
  bob: { email: 'bob@acme.io', slack: 'U0BOB', registry: [] },
  carol: { email: 'carol@acme.io', slack: 'U0CAROL', registry: [] },
});
const policy = aPolicy({
  approval: { approvers: ['alice', 'U0BOB', 'dave@acme.io'], minApprovals: 2, forbidSelfApproval: true },
});
const waiting: VersionState = {
  model: 'fraud',
  version: '7',
  phase: 'awaiting_approval',
  revision: 1,
  updatedAt: '2026-11-22T11:00:00.000Z',
  registeredBy: 'alice',
  approvals: [],
  expiresAt: '2026-11-25T11:00:00.000Z',
  dueAt: Date.parse('2026-11-25T11:00:00.000Z'),
};
const facts = { aliases: { champion: '6', challenger: '7' }, people };
const decision = (actor: string, via: 'slack' | 'link' | 'cli' = 'slack'): DecisionEvent => ({
  type: 'decision',
  model: 'fraud',
  version: '7',
  decision: 'approve',
  actor,
  via,
  deliveryId: `${actor}-${via}`,
  receivedAt: now.toISOString(),
  responseUrl: 'https://hooks.slack.com/actions/T/1/x',
});
const said = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'respond' ? [e.text] : []));
const approvedOnceBy = (by: string, identity?: string) => ({
  ...waiting,
  approvals: [{ by, ...(identity && { identity }), at: '2026-11-22T11:30:00.000Z', via: 'slack' }],
});

describe('approvals by people, not strings', () => {
  it.each([
    [
      'the registering user through a second identity',
      waiting,
      'U0ALICE',
      'alice (U0ALICE) registered v7 and cannot approve it',
    ],
    [
      'the registering user through a link',
      waiting,
      'alice@acme.io',
      'alice (alice@acme.io) registered v7 and cannot approve it',
    ],
    [
      'a known person the policy does not name',
      waiting,
      'U0CAROL',
      'carol (U0CAROL) is not an approver of fraud',
    ],
    ['an identity nobody claims', waiting, 'U0MALLORY', 'U0MALLORY is not an approver of fraud'],
  ])('refuses %s, naming the person and the identity', (_, state, actor, reason) => {
    const result = decide(state, decision(actor), policy, facts, now);

    expect(result.next?.phase).toBe('awaiting_approval');
    expect(said(result.effects)).toEqual([`Not recorded: ${reason}`]);
  });

  it.each([
    ['by Slack, then by link', approvedOnceBy('bob', 'U0BOB'), 'bob@acme.io'],
    [
      'recorded before people files (the identity only), then by link',
      approvedOnceBy('U0BOB'),
      'bob@acme.io',
    ],
    ['by link, then by the CLI under the name', approvedOnceBy('bob', 'bob@acme.io'), 'bob'],
  ])('counts one person approving %s once', (_, state, actor) => {
    const result = decide(state, decision(actor, 'link'), policy, facts, now);

    expect(result.next).toBeNull();
    expect(said(result.effects)).toEqual(['bob had already approved v7.']);
  });

  it('records an approver named by person name as the person, with the identity and channel used', () => {
    const result = decide(waiting, decision('bob@acme.io', 'link'), policy, facts, now);

    expect(result.next?.approvals).toEqual([
      { by: 'bob', identity: 'bob@acme.io', at: now.toISOString(), via: 'link' },
    ]);
    expect(said(result.effects)).toEqual(['Approved by bob (1 of 2); waiting for more approvers.']);
  });

  it('still accepts a bare e-mail that no person claims, as a person of one identity', () => {
    const result = decide(waiting, decision('Dave@acme.io', 'link'), policy, facts, now);

    expect(result.next?.approvals).toMatchObject([{ by: 'Dave@acme.io', identity: 'Dave@acme.io' }]);
  });

  it('reaches the quorum with two distinct people and records them by name', () => {
    const result = decide(
      approvedOnceBy('bob', 'U0BOB'),
      decision('dave@acme.io', 'link'),
      policy,
      facts,
      now,
    );

    expect(result.next).toMatchObject({
      phase: 'promoting',
      promotion: { approvedBy: ['bob', 'dave@acme.io'] },
    });
  });

  it('lets an approver approve a version someone else registered under a name nobody claims', () => {
    const state = { ...waiting, registeredBy: 'ci-bot' };

    const result = decide(state, decision('U0ALICE'), policy, facts, now);

    expect(result.next?.approvals).toMatchObject([{ by: 'alice', identity: 'U0ALICE' }]);
  });
});

describe('rejections by people', () => {
  it('records and tags the person who rejected, and tells them by name', () => {
    const reject: DecisionEvent = { ...decision('bob@acme.io', 'link'), decision: 'reject' };

    const result = decide(waiting, reject, policy, facts, now);

    expect(result.next).toMatchObject({ phase: 'rejected', rejectedBy: 'bob' });
    expect(result.effects).toContainEqual(
      expect.objectContaining({
        type: 'setTags',
        tags: expect.objectContaining({ 'baton.rejected_by': 'bob' }),
      }),
    );
    expect(said(result.effects)).toEqual(['Rejected by bob: fraud v7 will not be promoted.']);
  });
});

describe('approvers of rollout controls', () => {
  it.each([
    ['a person named in the policy, by Slack id', 'U0ALICE', people, true],
    ['a person listed by Slack id, by e-mail', 'bob@acme.io', people, true],
    ['a person the policy does not name', 'carol@acme.io', people, false],
    [
      'an identity that only the people files tie to a named approver, without them',
      'U0ALICE',
      undefined,
      false,
    ],
  ])('recognises %s', (_, actor, directory, expected) => {
    expect(isApprover(policy, actor, directory)).toBe(expected);
  });
});
