/**
 * The single abort path of a canary rollout, used by alarms, deadlines, alerts, people and a
 * version whose tags no longer resolve to the artefact pinned at approval: traffic goes back to
 * the champion first, then the challenger alias, tags, lease and notice follow.
 *
 * @example
 *   abortRollout(state, policy, 'alarm p99 is ALARM', 'baton', cause, now, { lease: '7' }).effects[0];
 *   // { type: 'shiftTraffic', weights: { '6': 100 }, … }
 */
import type { Decision } from './decision';
import { advance, versionEntry } from './decision';
import type { Effect } from './effects';
import { Phase } from './phases';
import type { Policy } from './policy';
import type { VersionState } from './state';

/**
 * The single abort path: traffic back on the champion, challenger alias removed, tagged, told.
 *
 * @example
 *   abortRollout(state, policy, 'the rollout passed its deadline', 'baton', cause, now, { lease: facts.lease });
 */
export function abortRollout(
  state: VersionState,
  policy: Policy,
  reason: string,
  actor: string,
  cause: string,
  now: Date,
  extra: { effects?: Effect[]; lease?: string | null } = {},
): Decision {
  const at = now.toISOString();
  const { model, version } = state;
  const rollout = state.rollout!;
  const restored = rollout.champion ? { [rollout.champion]: 100 } : rollout.weights;
  // A redelivered abort must not take the endpoint from a rollout that has taken the lease since.
  const endpointStillOurs = extra.lease === undefined || extra.lease === null || extra.lease === version;
  const touchedEndpoint = rollout.step >= 0 && rollout.champion !== null && endpointStillOurs;
  return {
    next: advance(state, now, {
      phase: Phase.Aborted,
      dueAt: undefined,
      rollout: { ...rollout, weights: restored, paused: undefined, waitingFor: undefined },
    }),
    effects: [
      // Traffic first: the champion serves again before anything else is written.
      ...(touchedEndpoint
        ? [
            {
              type: 'shiftTraffic',
              endpoint: rollout.endpoint,
              kind: rollout.kind,
              weights: restored,
            } as Effect,
          ]
        : []),
      { type: 'deleteAlias', alias: policy.aliases.challenger, version },
      {
        type: 'setTags',
        version,
        tags: {
          [policy.tags.phase]: Phase.Aborted,
          'baton.abort_reason': reason,
          'baton.aborted_by': actor,
          'baton.aborted_at': at,
        },
      },
      { type: 'releaseLease', version },
      {
        type: 'notify',
        notification: {
          kind: 'rollout.aborted',
          model,
          version,
          endpoint: rollout.endpoint,
          reason,
          by: actor,
          champion: rollout.champion,
          idempotencyKey: `aborted:${model}:${version}`,
        },
      },
      ...(extra.effects ?? []),
    ],
    audit: [
      versionEntry(state, 'rollout.aborted', actor, cause, at, {
        reason,
        step: rollout.step + 1,
        weightsBefore: rollout.weights,
        weightsAfter: restored,
      }),
    ],
  };
}
