/**
 * A promotion in two steps, so a crash between alias calls converges: first its intent is recorded
 * (who approved, which champion it replaces), then it is finished — the endpoint, the archive
 * alias, the champion alias, the challenger removed, tags, notice — by whichever event brings Baton
 * back to the version. Reached by approval, by a policy needing none, and by a rollout's last step.
 *
 * @example
 *   const intent = startPromotion(state, ['ana@example.com'], '6', now); // intent.again: decide again
 *   finishPromotion(intent.next!, policy, cause, now).next?.phase; // 'promoted'
 */
import type { Decision } from './decision';
import { advance, versionEntry } from './decision';
import { durationMs } from './duration';
import type { Effect } from './effects';
import { Phase } from './phases';
import type { Policy } from './policy';
import type { AuditEntry, VersionState } from './state';

/**
 * Records the promotion's intent (who approved, which champion is replaced) before any alias moves. *
 * @example
 *   startPromotion(state, [], '6', now, { audit: [verdict], effects }).next?.phase; // 'promoting'
 */
export function startPromotion(
  state: VersionState,
  approvedBy: string[],
  previousChampion: string | null,
  now: Date,
  extra: { audit?: AuditEntry[]; effects?: Effect[] } = {},
): Decision {
  return {
    next: advance(state, now, {
      phase: Phase.Promoting,
      dueAt: undefined,
      promotion: { previousChampion, approvedBy, startedAt: now.toISOString() },
    }),
    effects: extra.effects ?? [],
    audit: extra.audit ?? [],
    again: true,
  };
}

/**
 * Finishes a recorded promotion: archive, champion, challenger, tags, notice. Safe to repeat. *
 * @example
 *   finishPromotion(promotingState, policy, 'decision:fraud:7:d-1', now).effects[0]; // setAlias archive → the old champion
 */
export function finishPromotion(state: VersionState, policy: Policy, cause: string, now: Date): Decision {
  const { model, version } = state;
  const { previousChampion, approvedBy } = state.promotion!;
  const { aliases, tags } = policy;
  const at = now.toISOString();
  const rollout = state.rollout;
  // After a canary: the old variant stays for the termination wait, so a rollback is a weight change.
  const cleanupAt =
    rollout?.champion && policy.rollout
      ? now.getTime() + durationMs(policy.rollout.terminationWait)
      : undefined;
  const effects: Effect[] = [
    // The endpoint serves the new champion alone before the alias says so.
    ...(rollout
      ? [
          {
            type: 'shiftTraffic',
            endpoint: rollout.endpoint,
            kind: rollout.kind,
            weights: { [version]: 100 },
          } as Effect,
        ]
      : []),
    // The rollback target first: a crash now leaves the old champion serving, never a gap.
    ...(previousChampion
      ? [{ type: 'setAlias', alias: aliases.archive, version: previousChampion } as Effect]
      : []),
    { type: 'setAlias', alias: aliases.champion, version },
    { type: 'recordChampion', version },
    { type: 'deleteAlias', alias: aliases.challenger, version },
    {
      type: 'setTags',
      version,
      tags: {
        [tags.phase]: Phase.Promoted,
        'baton.approved_by': approvedBy.join(', ') || 'policy (no approval required)',
        'baton.promoted_at': at,
      },
    },
    ...(previousChampion
      ? ([
          { type: 'setTags', version: previousChampion, tags: { [tags.phase]: Phase.Archived } },
          { type: 'recordPhase', version: previousChampion, phase: Phase.Archived },
        ] as Effect[])
      : []),
    ...(rollout ? [{ type: 'releaseLease', version } as Effect] : []),
    {
      type: 'notify',
      notification: {
        kind: 'promotion.completed',
        model,
        version,
        previousChampion,
        approvedBy,
        idempotencyKey: `promoted:${model}:${version}`,
      },
    },
  ];
  return {
    next: advance(state, now, {
      phase: Phase.Promoted,
      dueAt: cleanupAt,
      ...(rollout && { rollout: { ...rollout, weights: { [version]: 100 }, cleanupAt, paused: undefined } }),
    }),
    effects,
    audit: [
      versionEntry(state, 'promotion.completed', approvedBy.join(', ') || 'baton', cause, at, {
        previousChampion,
        approvedBy,
      }),
    ],
  };
}
