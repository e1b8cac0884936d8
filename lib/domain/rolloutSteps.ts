/**
 * Canary rollouts in the pure core, the step machinery: an approved challenger is served beside
 * the champion and takes the policy's steps of traffic (10 % → 50 % → 100 %), each step baking
 * for the policy's bake time. After the last step has baked, the promotion's intent is recorded
 * and finished exactly as an approval without rollout would be (promotion.ts).
 *
 * The rollout is split along its seams: starting (rolloutStart.ts: the model's lease, the pinned
 * artefact), the check before each step (rolloutCheck.ts: alarms, deadlines, pauses), the one
 * abort path (rolloutAbort.ts) and people steering it (rolloutControls.ts). One state per step:
 * each decision moves at most one step, and its effects state the end result (these weights), so
 * a crash and redelivery converge without skipping or repeating a step.
 *
 * @example
 *   enterStep(state, policy, rollout, 1, cause, now).effects;
 *   // shiftTraffic { '6': 50, '7': 50 }, setTags { 'baton.rollout': 'step 2 of 3: v6 50% · v7 50%' }
 */
import type { Decision } from './decision';
import { advance, versionEntry } from './decision';
import { durationMs } from './duration';
import type { Effect } from './effects';
import { Phase } from './phases';
import type { Policy } from './policy';
import type { AuditEntry, VersionState } from './state';

export type Rollout = NonNullable<VersionState['rollout']>;
export type RolloutPolicy = NonNullable<Policy['rollout']>;

/** The weights of step `index`: the challenger's share, the champion the rest (alone when there is none). */
function weightsAt(rollout: Rollout, version: string, steps: number[], index: number) {
  if (!rollout.champion) return { [version]: 100 };
  const share = steps[index]!;
  return { [rollout.champion]: 100 - share, [version]: share };
}

/**
 * The index of the last step; a first version (no champion) has one step, straight to 100 %.
 *
 * @example
 *   lastStep({ ...rollout, champion: '6' }, [10, 50, 100]); // 2
 */
export function lastStep(rollout: Rollout, steps: number[]): number {
  return rollout.champion ? steps.length - 1 : 0;
}

function describeWeights(weights: Record<string, number>): string {
  return Object.entries(weights)
    .map(([v, w]) => `v${v} ${w}%`)
    .join(' · ');
}

/**
 * Whether the policy shifts traffic (a `none` endpoint has nothing to shift).
 *
 * @example
 *   if (shiftsTraffic(policy)) policy.rollout.steps; // typed: the policy has a rollout
 */
export function shiftsTraffic(policy: Policy): policy is Policy & { rollout: RolloutPolicy } {
  return policy.rollout !== undefined && policy.rollout.endpoint.kind !== 'none';
}

/**
 * Moves the live step to `index`: weights, tags, the next check after the bake time.
 *
 * @example
 *   enterStep(state, policy, rollout, rollout.step + 1, cause, now, { evidence: { alarms } });
 */
export function enterStep(
  state: VersionState,
  policy: Policy & { rollout: RolloutPolicy },
  rollout: Rollout,
  index: number,
  cause: string,
  now: Date,
  extra: { effects?: Effect[]; audit?: AuditEntry[]; evidence?: object } = {},
): Decision {
  const at = now.toISOString();
  const { steps, bakeTime, endpoint } = policy.rollout;
  const weights = weightsAt(rollout, state.version, steps, index);
  const last = lastStep(rollout, steps);
  const dueAt = Math.min(now.getTime() + durationMs(bakeTime), rollout.deadline);
  return {
    next: advance(state, now, {
      phase: Phase.RollingOut,
      dueAt,
      rollout: { ...rollout, step: index, weights, stepAt: at, paused: undefined, waitingFor: undefined },
    }),
    effects: [
      ...(extra.effects ?? []),
      {
        type: 'shiftTraffic',
        endpoint: endpoint.name!,
        kind: endpoint.kind,
        weights,
        // The version is deployed as approved, whatever its tags say by now.
        ...(state.artefact && { artefacts: { [state.version]: state.artefact } }),
      },
      {
        type: 'setTags',
        version: state.version,
        tags: {
          [policy.tags.phase]: Phase.RollingOut,
          'baton.rollout': `step ${index + 1} of ${last + 1}: ${describeWeights(weights)}`,
        },
      },
    ],
    audit: [
      ...(extra.audit ?? []),
      versionEntry(state, 'rollout.step', 'baton', cause, at, {
        step: index + 1,
        of: last + 1,
        weights,
        nextCheckAt: new Date(dueAt).toISOString(),
        ...extra.evidence,
      }),
    ],
  };
}

/**
 * Finishes the rollout: the promotion intent is recorded and promotion.ts's finishPromotion completes it.
 *
 * @example
 *   promote(state, cause, 'baton', now, { evidence: { alarms } }).again; // true: decide again to finish
 */
export function promote(
  state: VersionState,
  cause: string,
  actor: string,
  now: Date,
  extra: { effects?: Effect[]; evidence?: object } = {},
): Decision {
  const rollout = state.rollout!;
  const at = now.toISOString();
  return {
    next: advance(state, now, {
      phase: Phase.Promoting,
      dueAt: undefined,
      promotion: { previousChampion: rollout.champion, approvedBy: rollout.approvedBy, startedAt: at },
    }),
    effects: extra.effects ?? [],
    audit: [
      versionEntry(state, 'rollout.completed', actor, cause, at, {
        steps: rollout.step + 1,
        weights: rollout.weights,
        ...extra.evidence,
      }),
    ],
    again: true,
  };
}
