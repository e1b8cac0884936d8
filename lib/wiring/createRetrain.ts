/**
 * Picks the retraining adapter for a policy's `retrain.target` from the catalog (catalog.ts). Secrets and clients are injected
 * (the wiring passes each secret as a source read at use time through the secret cache), so this stays free of I/O.
 *
 * @example
 *   const trigger = createRetrain(policy.retrain.target, {
 *     httpSecret, databricksHost: 'https://dbc-1234.cloud.databricks.com', databricksToken, sqsClient,
 *   });
 *   await trigger.trigger(request);
 */
import type { RetrainTarget } from '../domain/policy';
import type { RetrainTrigger } from '../domain/retrainPorts';
import { type RetrainDeps, retrainCatalog } from './catalog';

export type { RetrainDeps, RetrainTarget };

/** The target's factory from the catalog (one cast: TypeScript cannot correlate `target.kind` with `target`). */
export function createRetrain(target: RetrainTarget, deps: RetrainDeps): RetrainTrigger {
  const factory = retrainCatalog[target.kind] as (target: RetrainTarget, deps: RetrainDeps) => RetrainTrigger;
  return factory(target, deps);
}
