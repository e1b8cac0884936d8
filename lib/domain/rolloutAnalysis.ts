/**
 * The canary analysis inside the step check (rolloutCheck.ts): the step's verdict from both
 * variants' metrics, and what an inconclusive one does. Every verdict is stored as its own
 * `rollout.analysis` audit entry with its numbers, and rides on the paused or aborted notice, so
 * people read the same numbers in the audit trail, `baton status`, `baton history` and Slack.
 *
 * @example
 *   const verdict = stepVerdict(state, policy, facts);
 *   if (verdict?.outcome === 'inconclusive') return extendBake(state, policy, verdict, cause, now);
 */
import type { AnalysisVerdict } from '../../events/analysisVerdict';
import { judgeAnalysis } from './canaryAnalysis';
import type { Decision, RolloutFacts } from './decision';
import { advance, versionEntry } from './decision';
import { durationMs } from './duration';
import type { Policy } from './policy';
import type { RolloutPolicy } from './rolloutSteps';
import type { VersionState } from './state';

/**
 * The live step's verdict, or null when the policy has no analysis (or no step is live yet).
 *
 * @example
 *   stepVerdict(state, policy, { canaryMetrics }).outcome; // 'pass'
 */
export function stepVerdict(
  state: VersionState,
  policy: Policy & { rollout: RolloutPolicy },
  facts: RolloutFacts,
): AnalysisVerdict | null {
  const rollout = state.rollout!;
  const analysis = policy.rollout.analysis;
  if (!analysis || rollout.step < 0) return null;
  return {
    ...judgeAnalysis(analysis, facts.canaryMetrics, rollout.champion !== null),
    step: rollout.step + 1,
    extensions: rollout.analysisExtensions ?? 0,
  };
}

/**
 * The decision with the verdict recorded: its audit entry first, and the numbers on a paused or
 * aborted notice (the Slack message shows them as a table).
 *
 * @example
 *   withVerdict(abortRollout(…), state, verdict, cause, now).audit[0].kind; // 'rollout.analysis'
 */
export function withVerdict(
  decision: Decision,
  state: VersionState,
  verdict: AnalysisVerdict | null,
  cause: string,
  now: Date,
  extra: Record<string, unknown> = {},
): Decision {
  if (!verdict) return decision;
  const entry = versionEntry(state, 'rollout.analysis', 'baton', cause, now.toISOString(), {
    ...extra,
    analysis: verdict,
  });
  const rollout = decision.next?.rollout;
  return {
    ...decision,
    // The latest verdict rides on the record too, for `baton status`.
    next:
      decision.next && rollout
        ? { ...decision.next, rollout: { ...rollout, lastAnalysis: verdict } }
        : decision.next,
    effects: decision.effects.map((e) =>
      e.type === 'notify' &&
      (e.notification.kind === 'rollout.paused' || e.notification.kind === 'rollout.aborted')
        ? { ...e, notification: { ...e.notification, analysis: verdict } }
        : e,
    ),
    audit: [entry, ...decision.audit],
  };
}

/**
 * Whether an inconclusive step may bake once more (its extensions are not used up).
 *
 * @example
 *   mayExtend(state, policy); // true while analysisExtensions < maxExtensions
 */
export function mayExtend(state: VersionState, policy: Policy & { rollout: RolloutPolicy }): boolean {
  const max = policy.rollout.analysis?.maxExtensions ?? 0;
  return (state.rollout!.analysisExtensions ?? 0) < max;
}

/**
 * One more bake on the same step: traffic stays, the window keeps growing from the step's start,
 * the next check comes after another bake time (never past the rollout's deadline).
 *
 * @example
 *   extendBake(state, policy, verdict, cause, now).next?.rollout?.analysisExtensions; // 1
 */
export function extendBake(
  state: VersionState,
  policy: Policy & { rollout: RolloutPolicy },
  verdict: AnalysisVerdict,
  cause: string,
  now: Date,
): Decision {
  const rollout = state.rollout!;
  const extensions = (rollout.analysisExtensions ?? 0) + 1;
  const dueAt = Math.min(now.getTime() + durationMs(policy.rollout.bakeTime), rollout.deadline);
  const decision: Decision = {
    next: advance(state, now, { dueAt, rollout: { ...rollout, analysisExtensions: extensions } }),
    effects: [],
    audit: [],
  };
  return withVerdict(decision, state, verdict, cause, now, {
    extended: `${extensions} of ${policy.rollout.analysis?.maxExtensions ?? 0}`,
    nextCheckAt: new Date(dueAt).toISOString(),
  });
}
