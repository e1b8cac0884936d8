/**
 * The one rollback of a promoted champion, by an alert's rule or by hand (`baton rollback MODEL
 * [--to VERSION]`): traffic to the target at 100 % first, then the champion alias, the records,
 * the tags, the notice. It never returns to a version Baton did not vet; with no safe target,
 * people are paged instead of Baton guessing. A rollout still running is aborted instead.
 *
 * @example
 *   decideRollback(state, { ...control, action: 'rollback', actor: 'ana@example.com' }, policy, { rollbackTarget }, now);
 */
import { businessKey, type ControlEvent } from '../../events/promotionEvent';
import { AnswerOutcome, answered, refusal } from './answers';
import type { AlertFacts, Decision } from './decision';
import { advance, versionEntry } from './decision';
import type { Effect } from './effects';
import { Phase } from './phases';
import type { Policy } from './policy';
import { abortRollout } from './rolloutAbort';
import { isApprover } from './rolloutControls';
import { shiftsTraffic } from './rolloutSteps';
import type { VersionState } from './state';

/**
 * A rollback returns only to a version that once held champion (promoted, or archived by the
 * promotion after it): never to one that failed, was rolled back or rejected, and never to one
 * that only waits for approval — `--to` must not become a way round the quorum.
 */
const safeTargets: ReadonlySet<string> = new Set([Phase.Promoted, Phase.Archived]);

/**
 * `baton rollback MODEL [--to VERSION]`: the same path, by hand.
 *
 * @example
 *   decideRollback(state, { ...control, action: 'rollback', to: '5' }, policy, facts, now).next?.phase; // 'rolled_back'
 */
export function decideRollback(
  state: VersionState | null,
  event: ControlEvent,
  policy: Policy | undefined,
  facts: AlertFacts,
  now: Date,
): Decision {
  const cause = businessKey(event);
  const respond = (text: string, replace = false): Effect[] =>
    event.responseUrl ? [{ type: 'respond', url: event.responseUrl, text, replace }] : [];
  const reason = event.reason ?? `rolled back by ${event.actor}`;
  // A rollout in progress is stopped by the one abort path.
  if (state?.phase === Phase.RollingOut && state.rollout && policy) {
    const aborted = abortRollout(state, policy, reason, event.actor, cause, now, {
      lease: facts.lease,
      effects: respond(`Aborted by ${event.actor}.`, true),
    });
    const message = `aborted the rollout of ${state.model} v${state.version}: v${state.rollout.champion ?? '?'} serves 100 % again`;
    return answered(aborted, event, AnswerOutcome.Applied, message, now);
  }
  // Choosing the version to serve (--to) is a promotion decision: approvers only.
  if (event.to !== undefined && policy && !isApprover(policy, event.actor, facts.people)) {
    return refusal(event, `${event.actor} is not an approver of ${event.model}, so cannot choose --to`, now);
  }
  // Only a champion Baton promoted can be rolled back (a rollout in progress was handled above).
  if (!state || !policy || state.phase !== Phase.Promoted) {
    const which = event.version === undefined ? '' : ` (v${event.version} is ${state?.phase ?? 'unknown'})`;
    return refusal(event, `${event.model} has no promoted champion to roll back${which}`, now);
  }
  // Fix: answer after deciding; a rollback refused for want of a safe target must not read "Rolled back".
  const decided = rollback(state, policy, facts, reason, event.actor, cause, now, {});
  const done = decided.next?.phase === Phase.RolledBack;
  const why = String(decided.audit[0]?.evidence.why);
  const answer = done ? respond(`Rolled back by ${event.actor}.`, true) : respond(`Not done: ${why}`);
  const to = facts.rollbackTarget?.version ?? '?';
  return answered(
    { ...decided, effects: [...decided.effects, ...answer] },
    event,
    done ? AnswerOutcome.Applied : AnswerOutcome.Refused,
    done ? `rolled back ${state.model} to v${to}` : `${state.model} was not rolled back: ${why}`,
    now,
  );
}

/**
 * The one rollback: traffic to the target at 100 % first, then the champion alias, the records,
 * the tags, the notice. With no safe target, people are paged instead of Baton guessing.
 *
 * @example
 *   rollback(state, policy, facts, 'alert p99 (cloudwatch)', 'alert:cloudwatch', cause, now, { effects: [acted] });
 */
export function rollback(
  state: VersionState,
  policy: Policy,
  facts: AlertFacts,
  reason: string,
  actor: string,
  cause: string,
  now: Date,
  extra: { effects?: Effect[]; alert?: { name: string; source: string; reason?: string } },
): Decision {
  const at = now.toISOString();
  const { model, version } = state;
  const target = facts.rollbackTarget ?? null;
  const targetPhase = target?.state?.phase;
  const unsafe =
    !target || target.version === version || !target.state || !safeTargets.has(targetPhase as string);

  // No safe version to return to: page people, change nothing.
  if (unsafe) {
    const why = !target
      ? `no version holds the ${policy.aliases.archive} alias`
      : `v${target.version} is not a safe target (${targetPhase ?? 'unknown to Baton'})`;
    return {
      next: advance(state, now, {}),
      effects: [
        ...(extra.effects ?? []),
        {
          type: 'notify',
          notification: {
            kind: 'rollback.impossible',
            model,
            version,
            reason: `${reason}; ${why}`,
            idempotencyKey: `rollback-impossible:${model}:${version}:${cause}`,
          },
        },
      ],
      audit: [
        versionEntry(state, 'rollback.refused', actor, cause, at, {
          reason,
          why,
          alert: extra.alert ?? null,
        }),
      ],
    };
  }

  const to = target.version;
  const rollout = state.rollout;
  const endpoint = shiftsTraffic(policy) ? (rollout?.endpoint ?? policy.rollout.endpoint.name!) : undefined;
  const effects: Effect[] = [
    // Traffic first: the archive version serves before any record says so.
    ...(endpoint && shiftsTraffic(policy)
      ? [
          {
            type: 'shiftTraffic',
            endpoint,
            kind: policy.rollout.endpoint.kind,
            weights: { [to]: 100 },
          } as Effect,
        ]
      : []),
    { type: 'setAlias', alias: policy.aliases.champion, version: to },
    { type: 'recordChampion', version: to },
    { type: 'deleteAlias', alias: policy.aliases.archive, version: to },
    {
      type: 'setTags',
      version,
      tags: {
        [policy.tags.phase]: Phase.RolledBack,
        'baton.rolled_back_at': at,
        'baton.rollback_reason': reason,
        'baton.rolled_back_by': actor,
        ...(extra.alert && { 'baton.rollback_alert': `${extra.alert.source}:${extra.alert.name}` }),
      },
    },
    { type: 'setTags', version: to, tags: { [policy.tags.phase]: Phase.Promoted, 'baton.restored_at': at } },
    { type: 'recordPhase', version: to, phase: Phase.Promoted },
    ...(extra.effects ?? []),
    {
      type: 'notify',
      notification: {
        kind: 'rollback.completed',
        model,
        version,
        to,
        reason,
        by: actor,
        ...(extra.alert && { alert: extra.alert }),
        idempotencyKey: `rollback:${model}:${version}`,
      },
    },
  ];
  return {
    next: advance(state, now, {
      phase: Phase.RolledBack,
      dueAt: undefined,
      ...(rollout && { rollout: { ...rollout, cleanupAt: undefined, weights: { [to]: 100 } } }),
    }),
    effects,
    audit: [
      versionEntry(state, 'rollback.completed', actor, cause, at, {
        from: version,
        to,
        reason,
        alert: extra.alert ?? null,
      }),
    ],
  };
}
