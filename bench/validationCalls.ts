/**
 * What one validation costs in registry calls, counted rather than estimated, and the floor of
 * the register→challenger path: the same calls made back to back by a bare client.
 *
 * `countValidationCalls` runs the worker's own use case (processEvent) in process, with an
 * MlflowRegistry whose `onRequest` hook counts requests, a DynamoPromotionStore on a table the
 * stack does not use (so Baton's record of the version is not touched) and a no-op notifier.
 * `bareValidation` mirrors processEvent + decide's effects: read the version and the champion,
 * their runs, set PENDING, set the check tags in parallel, set the alias, set the verdict.
 *
 * @example
 *   const counted = await countValidationCalls({ mlflowUrl, side, policy, model, version: '7' });
 *   counted.calls; // 13
 */
import { randomUUID } from 'node:crypto';
import type { RegistryEvent } from '../events/promotionEvent';
import type { RequestRecord } from '../lib/adapters/registry/httpClient';
import { MlflowRegistry } from '../lib/adapters/registry/mlflowRegistry';
import { DynamoPromotionStore } from '../lib/adapters/store/dynamoPromotionStore';
import { processEvent } from '../lib/app/processEvent';
import type { Policy } from '../lib/domain/policy';
import { dynamoDocumentClient } from '../lib/wiring/dynamoClient';
import { localCredentials } from '../local/resources';
import { withNullDeps } from '../test/support/fakes';
import type { SideResources } from './benchStack';

/** A registry client that records every request it sends. */
export function countingRegistry(mlflowUrl: string) {
  const requests: RequestRecord[] = [];
  const registry = new MlflowRegistry({ baseUrl: mlflowUrl, onRequest: (r) => requests.push(r) });
  return { registry, requests };
}

export interface CountedValidation {
  /** Logical calls (first attempts); retries are counted separately. */
  calls: number;
  retries: number;
  phase: string | null;
  /** `METHOD path duration` of each call, in the order they were sent. */
  operations: string[];
}

export async function countValidationCalls(options: {
  mlflowUrl: string;
  side: SideResources;
  policy: Policy;
  model: string;
  version: string;
}): Promise<CountedValidation> {
  const { registry, requests } = countingRegistry(options.mlflowUrl);
  const db = dynamoDocumentClient({
    region: options.side.aws.region,
    endpoint: options.side.aws.endpoint,
    credentials: localCredentials,
  });
  const now = new Date().toISOString();
  const event: RegistryEvent = {
    type: 'registry',
    kind: 'model_version.created',
    source: 'mlflow',
    model: options.model,
    version: options.version,
    deliveryId: `bench-count-${randomUUID()}`,
    occurredAt: now,
    receivedAt: now,
  };
  const outcome = await processEvent(
    event,
    withNullDeps({
      registry,
      store: new DynamoPromotionStore(db, options.side.tableName),
      notifier: { publish: async () => undefined },
      policyFor: () => options.policy,
      now: () => new Date(),
    }),
  );
  const first = requests.filter((r) => r.attempt === 0);
  return {
    calls: first.length,
    retries: requests.length - first.length,
    phase: outcome.phase,
    operations: first.map(
      (r) => `${r.method} ${r.path.replace('/api/2.0/mlflow/', '')} ${Math.round(r.durationMs)} ms`,
    ),
  };
}

/**
 * The registry calls of one passing validation, back to back, on `version` of `model`
 * (whose champion, if any, is compared with). `checkTags` are the tags a real validation wrote:
 * every check's outcome and the phase. Returns the elapsed milliseconds and the calls made.
 */
export async function bareValidation(
  mlflowUrl: string,
  model: string,
  version: string,
  checkTags: Record<string, string>,
): Promise<{ ms: number; calls: number }> {
  const { registry, requests } = countingRegistry(mlflowUrl);
  const started = performance.now();
  const [candidate, champion] = await Promise.all([
    registry.getModelVersion(model, version),
    registry.getModelVersionByAlias(model, 'champion'),
  ]);
  if (!candidate?.runId) throw new Error(`${model} v${version} has no run`);
  await Promise.all([
    registry.getRun(candidate.runId),
    champion?.runId && champion.version !== version ? registry.getRun(champion.runId) : null,
  ]);
  await registry.setModelVersionTag(model, version, 'validation_status', 'PENDING');
  await Promise.all(
    Object.entries(checkTags).map(([key, value]) => registry.setModelVersionTag(model, version, key, value)),
  );
  await registry.setAlias(model, 'challenger', version);
  await registry.setModelVersionTag(model, version, 'validation_status', 'PASSED');
  const ms = performance.now() - started;
  return { ms, calls: requests.filter((r) => r.attempt === 0).length };
}
