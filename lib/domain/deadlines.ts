/**
 * Deadlines from the DueIndex, found by the tick: an approval request nobody answered in time
 * expires; a rollout's bake time, lease retry, deadline or cleanup goes to rolloutCheck.ts. A stale
 * sweep (the deadline moved or was cleared since the tick read it) changes nothing.
 *
 * @example
 *   decideDue(state, { type: 'due', model: 'fraud', version: '7', dueAt: state.dueAt, … }, policy, facts, now);
 */
import { businessKey, type DueEvent } from '../../events/promotionEvent';
import type { Decision, Facts } from './decision';
import { advance, nothing, versionEntry } from './decision';
import { Phase } from './phases';
import type { Policy } from './policy';
import { decideRolloutDue } from './rolloutCheck';
import type { VersionState } from './state';

/**
 * Closes a request nobody answered in time: tags, challenger removed, people told. *
 * @example
 *   expire(state, policy, cause, now).next?.phase; // 'expired'
 */
export function expire(state: VersionState, policy: Policy, cause: string, now: Date): Decision {
  const { model, version } = state;
  return {
    next: advance(state, now, { phase: Phase.Expired, dueAt: undefined }),
    effects: [
      { type: 'setTags', version, tags: { [policy.tags.phase]: Phase.Expired } },
      { type: 'deleteAlias', alias: policy.aliases.challenger, version },
      {
        type: 'notify',
        notification: {
          kind: 'approval.expired',
          model,
          version,
          idempotencyKey: `expired:${model}:${version}`,
        },
      },
    ],
    audit: [
      versionEntry(state, 'approval.expired', 'baton', cause, now.toISOString(), {
        expiresAt: state.expiresAt,
      }),
    ],
  };
}

/**
 * A deadline from the DueIndex: the approval request's expiry, or a rollout's next check. *
 * @example
 *   decideDue(state, dueEvent, policy, { lease: null }, now);
 */
export function decideDue(
  state: VersionState | null,
  event: DueEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision {
  // A stale sweep: the deadline moved or was cleared since the tick read it.
  if (!state || !policy || state.dueAt !== event.dueAt || now.getTime() < event.dueAt) return nothing;
  // Nobody decided in time.
  if (state.phase === Phase.AwaitingApproval) return expire(state, policy, businessKey(event), now);
  // A rollout's bake time, lease retry, deadline or cleanup.
  if (state.rollout) return decideRolloutDue(state, policy, facts, businessKey(event), now);
  return nothing;
}
