/**
 * The tick's composition: its configuration (table, queue, registry and how old a version must be
 * before the reconciler sweeps it) and the adapters it runs with, the registry token read from SSM.
 *
 * @example
 *   const deps = await tickDeps(); // reads TABLE_NAME, PROMOTION_QUEUE_URL, MLFLOW_TRACKING_URI, …
 */
import * as z from 'zod/mini';
import { DatabricksMetricsRecorder } from '../adapters/monitoring/databricksServingMetrics';
import { policyFor } from '../adapters/policy/policyLookup';
import { DynamoModelLedger } from '../adapters/store/dynamoModelLedger';
import { DynamoPromotionStore } from '../adapters/store/dynamoPromotionStore';
import { needsServingMetrics } from '../app/servingMetrics';
import type { TickDeps } from '../app/tickSweeps';
import { cloudWatchClient } from './cloudWatchClient';
import { readConfig } from './config';
import { dynamoDocumentClient } from './dynamoClient';
import { loadFunctionPolicies } from './functionPolicies';
import { promotionQueue } from './ingressAdapters';
import { pollIntakeFromEnv } from './pollIntake';
import { databricksWorkspace, registryFromEnv, registryTokenFrom } from './registryAccess';
import { registryFlavors } from './registryCatalog';
import { secretStore } from './secrets';

const configSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  MLFLOW_TRACKING_URI: z.string().check(z.minLength(1)),
  REGISTRY_FLAVOR: z._default(z.enum(registryFlavors), 'mlflow'),
  REGISTRY_TOKEN_PARAM: z.optional(z.string()),
  /** Versions younger than this are left to their webhook (seconds). */
  RECONCILER_MIN_AGE_SECONDS: z._default(z.pipe(z.string().check(z.regex(/^\d+$/)), z.transform(Number)), 60),
});

export async function tickDeps(): Promise<TickDeps> {
  const config = readConfig(configSchema);
  const policies = await loadFunctionPolicies();
  const db = dynamoDocumentClient();
  const store = new DynamoPromotionStore(db, config.TABLE_NAME);
  const policyOf = (model: string) => policyFor(policies.policies, model);
  const queue = promotionQueue(config.PROMOTION_QUEUE_URL);
  const secrets = secretStore();
  const workspace = databricksWorkspace(
    config.MLFLOW_TRACKING_URI,
    await registryTokenFrom(config.REGISTRY_TOKEN_PARAM, secrets),
  );
  const recorders = { databricks: new DatabricksMetricsRecorder(workspace(), cloudWatchClient()) };
  // Only a policy that analyses canaries on a kind with a recorder needs the sweep.
  const recorded = needsServingMetrics(
    policies.policies.map((e) => e.policy),
    Object.keys(recorders),
  );
  return {
    registry: await registryFromEnv(config, secrets),
    store,
    queue,
    // Registries that cannot push (Unity Catalog): the tick's poll is their intake (pollIntake.ts).
    pollIntake: await pollIntakeFromEnv({ policies: policies.policies, store, queue }),
    policyFor: policyOf,
    minAgeMs: config.RECONCILER_MIN_AGE_SECONDS * 1000,
    // Kept with the sandbox's deps: what a sweep sent, found recorded or found decided is not sent or
    // read again every tick (reconcile.ts).
    enqueuedAt: new Map(),
    recorded: new Map(),
    decided: new Set(),
    // Databricks serving exports only the last minute: the tick records live canaries' minutes.
    ...(recorded && {
      servingMetrics: {
        rollouts: new DynamoModelLedger(db, config.TABLE_NAME),
        store,
        policyFor: policyOf,
        recorders,
      },
    }),
  };
}
