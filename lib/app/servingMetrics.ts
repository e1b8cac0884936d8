/**
 * The tick's sweep that keeps a canary's evidence where the serving platform keeps none: for
 * every live rollout (a held lease) on a serving kind with a recorder (Databricks Model Serving,
 * whose metrics export holds only the last minute) and a policy with `rollout.analysis`, the
 * endpoint's export is recorded once per tick, so the step's check reads a minute per tick of its
 * bake. An endpoint that cannot be read is logged and tried again next tick: its minute is missing,
 * which can only leave the step short of samples (inconclusive), never pass it.
 *
 * @example
 *   await recordServingMetrics({ rollouts, store, policyFor, recorders: { databricks } });
 *   // { endpoints: 1, datapoints: 16, failed: 0 }
 */
import type { ServingKind } from '../../events/artefact';
import type { LiveRollouts, ServingMetricsRecorder } from '../domain/analysisPorts';
import type { Policy } from '../domain/policy';
import type { PromotionStore } from '../domain/ports';
import { logger } from '../log';

export interface ServingMetricsDeps {
  rollouts: LiveRollouts;
  store: Pick<PromotionStore, 'getVersion'>;
  policyFor(model: string): Policy | undefined;
  /** The recorder per serving kind whose platform keeps no per-variant history. */
  recorders: Partial<Record<ServingKind, ServingMetricsRecorder>>;
}

export interface ServingMetricsResult {
  endpoints: number;
  datapoints: number;
  failed: number;
}

/**
 * Whether any policy analyses canaries on a serving kind with a recorder: the others need no
 * sweep, so the tick spends no lease listing on them.
 *
 * @example
 *   needsServingMetrics([sagemakerPolicy, databricksAnalysed], ['databricks']); // true
 */
export function needsServingMetrics(policies: readonly Policy[], recorderKinds: readonly string[]): boolean {
  return policies.some(
    (p) => p.rollout?.analysis !== undefined && recorderKinds.includes(p.rollout.endpoint.kind),
  );
}

/** The live steps to record: one per endpoint, on a kind with a recorder, under an analysis. */
async function endpointsToRecord(deps: ServingMetricsDeps) {
  const endpoints = new Map<string, ServingMetricsRecorder>();
  for (const { model, version } of await deps.rollouts.liveRollouts()) {
    const rollout = (await deps.store.getVersion(model, version))?.rollout;
    const recorder = rollout && deps.recorders[rollout.kind];
    if (!rollout || !recorder || rollout.step < 0) continue;
    if (!deps.policyFor(model)?.rollout?.analysis) continue;
    endpoints.set(`${rollout.kind}:${rollout.endpoint}`, recorder);
  }
  return endpoints;
}

export async function recordServingMetrics(deps: ServingMetricsDeps): Promise<ServingMetricsResult> {
  const result: ServingMetricsResult = { endpoints: 0, datapoints: 0, failed: 0 };
  if (Object.keys(deps.recorders).length === 0) return result;
  for (const [key, recorder] of await endpointsToRecord(deps)) {
    const endpoint = key.slice(key.indexOf(':') + 1);
    try {
      result.datapoints += await recorder.record(endpoint);
      result.endpoints += 1;
    } catch (error) {
      result.failed += 1;
      logger.warn('serving metrics not recorded this minute', { endpoint, error });
    }
  }
  return result;
}
