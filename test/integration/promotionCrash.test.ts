/**
 * The multi-alias change of a promotion is not atomic in MLflow. A crash between two alias
 * calls must converge on redelivery to the right aliases — proven on the real MLflow server
 * and the emulator's table, with the worker's use case run in-process and the crash injected
 * into the registry adapter.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionEvent, RegistryEvent } from '../../events/promotionEvent';
import { policyFor } from '../../lib/adapters/policy/policySet';
import { MlflowRegistry } from '../../lib/adapters/registry/mlflowRegistry';
import { type PromotionDeps, processEvent } from '../../lib/app/processEvent';
import type { ModelRegistry } from '../../lib/domain/ports';
import { loadPolicySet } from '../../lib/wiring/policyFiles';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { withNullDeps } from '../support/fakes';
import { testStack, testStore, uniqueName } from '../support/localStack';

let stack: LocalStack;
let deps: PromotionDeps;
/** Alias calls allowed before the injected crash; null when no crash is armed. */
let crashAfter: number | null = null;
const policies = loadPolicySet(resolve('test/fixtures/approval-policies')).policies;
const model = uniqueName('appr-crash');

beforeAll(async () => {
  // No consumers and no webhook: this test is the worker, and decides when it crashes.
  stack = await testStack('eu-central-1', { consumers: false, webhook: false });
  const real = new MlflowRegistry({ baseUrl: stack.mlflowUrl });
  const crashing: ModelRegistry = Object.assign(Object.create(real) as ModelRegistry, {
    async setAlias(name: string, alias: string, version: string) {
      if (crashAfter === 0) {
        crashAfter = null;
        throw new Error('injected crash between the alias calls');
      }
      if (crashAfter !== null) crashAfter -= 1;
      return real.setAlias(name, alias, version);
    },
  });
  deps = withNullDeps({
    registry: crashing,
    store: testStore(stack),
    notifier: { publish: async () => undefined },
    policyFor: (name: string) => policyFor(policies, name),
    now: () => new Date(),
  });
});
afterAll(async () => {
  await stack?.stop();
});

const api = () => mlflowApi(stack.mlflowUrl);
const created = (version: string): RegistryEvent => ({
  type: 'registry',
  kind: 'model_version.created',
  source: 'mlflow',
  model,
  version,
  deliveryId: `created-${version}`,
  occurredAt: new Date().toISOString(),
  receivedAt: new Date().toISOString(),
});
const approve = (version: string): DecisionEvent => ({
  type: 'decision',
  model,
  version,
  decision: 'approve',
  actor: 'approver@example.com',
  via: 'cli',
  deliveryId: `approve-${version}`,
  receivedAt: new Date().toISOString(),
});

async function validatedVersion(): Promise<string> {
  await api().ensureRegisteredModel(model);
  const runId = await api().createRun('baton-crash-tests', { val_auc: 0.95 });
  const { version } = await api().createModelVersion(model, runId);
  await processEvent(created(version), deps);
  return version;
}

describe('a crash between the alias calls of a promotion', () => {
  it('converges on redelivery: champion on the new version, archive on the old, challenger gone', async () => {
    const v1 = await validatedVersion();
    await processEvent(approve(v1), deps);
    const v2 = await validatedVersion();
    crashAfter = 1; // archive moves, then the crash, before champion moves

    // The promotion was stored before its first alias call: the failure is recorded, the message done.
    expect((await processEvent(approve(v2), deps)).deferred).toContain(
      'injected crash between the alias calls',
    );
    const midway = await api().getModelVersion(model, v2);
    const redelivered = await processEvent(approve(v2), deps);

    // Mid-crash the archive alias had moved but champion had not: never a gap, never a failed version.
    expect(midway.aliases).toEqual(['challenger']);
    expect(redelivered.phase).toBe('promoted');
    expect((await api().getModelVersion(model, v2)).aliases).toEqual(['champion']);
    expect((await api().getModelVersion(model, v1)).aliases).toEqual(['archive']);
    expect(
      (await deps.store.listAudit(model))
        .filter((a) => a.kind === 'promotion.completed')
        .map((a) => a.version),
    ).toEqual([v1, v2]);
  });
});
