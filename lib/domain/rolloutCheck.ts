/**
 * The check before each canary step, and the rollout's deadlines from the DueIndex. Alarms decide
 * first: any ALARM aborts, no data pauses (a canary with no traffic proves nothing), all OK moves
 * on to the next step, or to the promotion after the last one. Beside the alarms, the canary
 * analysis (rolloutAnalysis.ts) compares the challenger with the champion: a failed rule aborts,
 * an inconclusive step bakes longer up to `maxExtensions`, then pauses for the approvers. A deadline also retries a waiting
 * rollout's lease, aborts a stalled one and, after promotion, removes the old variant.
 *
 * @example
 *   decideRolloutDue(state, policy, { alarms: [{ name: 'p99', state: 'OK' }], lease: '7' }, cause, now);
 */
import { pinnedDrift } from './artefact';
import type { Decision, RolloutFacts } from './decision';
import { advance, nothing, versionEntry } from './decision';
import type { Effect } from './effects';
import { Phase } from './phases';
import type { Policy } from './policy';
import { abortRollout } from './rolloutAbort';
import { extendBake, mayExtend, stepVerdict, withVerdict } from './rolloutAnalysis';
import { startRollout } from './rolloutStart';
import { enterStep, lastStep, promote, type RolloutPolicy, shiftsTraffic } from './rolloutSteps';
import type { VersionState } from './state';

/**
 * Holds the rollout at its step until a person resumes it (or its deadline aborts it).
 *
 * @example
 *   pause(state, 'paused by ana', 'ana@example.com', cause, now).next?.rollout?.paused?.by; // 'ana@example.com'
 */
export function pause(
  state: VersionState,
  reason: string,
  by: string,
  cause: string,
  now: Date,
  effects: Effect[] = [],
): Decision {
  const rollout = state.rollout!;
  const at = now.toISOString();
  return {
    // Paused, the only deadline left is the rollout's own: a stalled rollout is aborted.
    next: advance(state, now, {
      dueAt: rollout.deadline,
      rollout: { ...rollout, paused: { reason, by, at } },
    }),
    effects: [
      ...effects,
      {
        type: 'notify',
        notification: {
          kind: 'rollout.paused',
          model: state.model,
          version: state.version,
          endpoint: rollout.endpoint,
          reason,
          by,
          weights: rollout.weights,
          idempotencyKey: `paused:${state.model}:${state.version}:${at}`,
        },
      },
    ],
    audit: [versionEntry(state, 'rollout.paused', by, cause, at, { reason, step: rollout.step + 1 })],
  };
}

/**
 * The check before the next step: alarms first (ALARM aborts; no data pauses unless a person
 * vouched for it by resuming), then the next step, or the promotion after the last one.
 *
 * @example
 *   check(state, policy, facts, cause, now, 'ana@example.com', answer('Resumed'));
 */
export function check(
  state: VersionState,
  policy: Policy & { rollout: RolloutPolicy },
  facts: RolloutFacts,
  cause: string,
  now: Date,
  vouchedBy?: string,
  effects: Effect[] = [],
): Decision {
  const rollout = state.rollout!;
  // Every watched alarm must be reported; one that is not counts as no data (fail safe).
  const reported = new Map((facts.alarms ?? []).map((a) => [a.name, a]));
  const alarms = rollout.alarms.map((name) => reported.get(name) ?? { name, state: 'MISSING' });
  const alarmed = alarms.filter((a) => a.state === 'ALARM');
  const evidence = { alarms: alarms.map((a) => ({ name: a.name, state: a.state })) };

  // The registry's tags changed after approval: what would be deployed is not what was approved; abort.
  const drift = pinnedDrift(policy, state.artefact, facts.artefactNow, facts.artefactSpec);
  if (drift !== null) {
    return abortRollout(state, policy, drift, 'baton', cause, now, { effects, lease: facts.lease });
  }

  // A watched alarm fires: abort.
  if (alarmed.length > 0) {
    const reason = alarmed
      .map((a) => `alarm ${a.name} is ALARM${a.reason ? ` (${a.reason})` : ''}`)
      .join('; ');
    return abortRollout(state, policy, reason, 'baton', cause, now, { effects, lease: facts.lease });
  }

  // The canary analysis fails: the challenger is significantly worse than a rule allows; abort, naming it.
  const verdict = stepVerdict(state, policy, facts);
  if (verdict?.outcome === 'fail') {
    const reason = `canary analysis failed at step ${verdict.step}: ${verdict.reason}`;
    const aborted = abortRollout(state, policy, reason, 'baton', cause, now, { effects, lease: facts.lease });
    return withVerdict(aborted, state, verdict, cause, now);
  }

  // No data: a canary with no traffic proves nothing; pause and ask people, unless one just vouched.
  const silent = alarms.filter((a) => a.state !== 'OK');
  if (silent.length > 0 && vouchedBy === undefined) {
    const names = silent.map((a) => `${a.name} (${a.state})`).join(', ');
    return pause(
      state,
      `no data from ${names}: the step is not proven healthy`,
      'baton',
      cause,
      now,
      effects,
    );
  }

  // The analysis cannot tell yet: bake longer while extensions remain, then pause and ask (never pass).
  if (verdict?.outcome === 'inconclusive' && vouchedBy === undefined) {
    if (mayExtend(state, policy)) return extendBake(state, policy, verdict, cause, now);
    const reason = `canary analysis inconclusive at step ${verdict.step} after ${verdict.extensions} extended bakes: ${verdict.reason}`;
    return withVerdict(pause(state, reason, 'baton', cause, now, effects), state, verdict, cause, now);
  }
  const accepted = {
    ...(vouchedBy && silent.length > 0 && { noDataAcceptedBy: vouchedBy }),
    ...(vouchedBy && verdict?.outcome === 'inconclusive' && { inconclusiveAcceptedBy: vouchedBy }),
    ...(verdict && { analysis: verdict.outcome }),
  };

  // The last step baked cleanly: promote.
  if (rollout.step >= lastStep(rollout, policy.rollout.steps)) {
    const promoted = promote(state, cause, vouchedBy ?? 'baton', now, {
      effects,
      evidence: { ...evidence, ...accepted },
    });
    return withVerdict(promoted, state, verdict, cause, now);
  }

  // Healthy: the next step, its extensions counted afresh.
  const stepped = enterStep(
    state,
    policy,
    { ...rollout, analysisExtensions: undefined },
    rollout.step + 1,
    cause,
    now,
    { effects, evidence: { ...evidence, ...accepted } },
  );
  return withVerdict(stepped, state, verdict, cause, now);
}

/**
 * A deadline from the DueIndex for a rollout: the next check, a lease retry, the deadline, the cleanup.
 *
 * @example
 *   decideRolloutDue(state, policy, facts, 'due:fraud:7:1795366000000', now);
 */
export function decideRolloutDue(
  state: VersionState,
  policy: Policy,
  facts: RolloutFacts,
  cause: string,
  now: Date,
): Decision {
  const rollout = state.rollout;
  if (!rollout || !shiftsTraffic(policy)) return nothing;

  // After promotion: the previous champion's variant has served its termination wait.
  if (state.phase === Phase.Promoted && rollout.cleanupAt !== undefined) {
    return {
      next: advance(state, now, { dueAt: undefined, rollout: { ...rollout, cleanupAt: undefined } }),
      effects: [
        { type: 'finaliseEndpoint', endpoint: rollout.endpoint, kind: rollout.kind, version: state.version },
      ],
      audit: [
        versionEntry(state, 'rollout.finalised', 'baton', cause, now.toISOString(), {
          endpoint: rollout.endpoint,
        }),
      ],
    };
  }
  if (state.phase !== Phase.RollingOut) return nothing;

  // Stalled past its deadline (paused, waiting or stuck): abort.
  if (now.getTime() >= rollout.deadline) {
    return abortRollout(state, policy, 'the rollout passed its deadline', 'baton', cause, now, {
      lease: facts.lease,
    });
  }

  // Waiting for another version's rollout: try the lease again (the champion may have changed meanwhile).
  if (rollout.waitingFor !== undefined) {
    const champion = facts.currentChampion === undefined ? rollout.champion : facts.currentChampion;
    return startRollout(
      state,
      policy,
      rollout.approvedBy,
      champion === state.version ? null : champion,
      facts,
      cause,
      now,
    );
  }

  // Paused: only a person moves it on.
  if (rollout.paused) return nothing;

  return check(state, policy, facts, cause, now);
}
