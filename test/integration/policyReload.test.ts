/**
 * Policies change while Baton runs: a policy file written into the watched directory of a running
 * stack reloads the functions, and the version already recorded `unmanaged` for the model the new
 * policy governs is validated by the next sweep; `baton status` names the same policy.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStatus } from '../../cli/status';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { createRegistry } from '../../lib/wiring/createRegistry';
import { mlflowApi } from '../../local/mlflowApi';
import { type PolicyWatch, watchPolicies } from '../../local/policyWatch';
import type { LocalStack } from '../../local/stack';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { eventually, settledPhase, tagsOf } from '../support/registryWaits';

const dir = mkdtempSync(join(tmpdir(), 'baton-reload-'));
const model = uniqueName('late');
let stack: LocalStack;
let store: DynamoPromotionStore;
let watch: PolicyWatch;
const said: string[] = [];

beforeAll(async () => {
  writeFileSync(join(dir, 'other.yaml'), 'model: someone-else\n');
  stack = await testStack('ap-southeast-4', { scheduleSeconds: 1, env: { POLICIES_DIR: dir } });
  store = testStore(stack);
  watch = watchPolicies({ dir, restart: () => stack.runtime.restartFunctions(), log: (l) => said.push(l) });
}, 120_000);

afterAll(async () => {
  watch?.close();
  await stack?.stop();
});

describe('a policy written while the stack runs', () => {
  it('governs the version recorded unmanaged before it, from the next sweep on', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    await api.ensureRegisteredModel(model);
    const runId = await api.createRun('baton-reload-tests', { val_auc: 0.9 });
    const { version } = await api.createModelVersion(model, runId);
    await settledPhase(store, model, version, ['unmanaged']);

    writeFileSync(
      join(dir, 'late.yaml'),
      'model: late-*\nchecks:\n  metrics:\n    - { name: val_auc, min: 0.8 }\n',
    );
    const validated = await eventually(
      async () => {
        const v = await api.getModelVersion(model, version);
        return tagsOf(v).validation_status === 'PASSED' ? v : undefined;
      },
      45_000,
      'the next sweep to validate it under the new policy',
    );

    // The worker writes the registry first (PASSED last) and then its own record: wait for that too.
    const recorded = await eventually(
      async () => {
        const state = await store.getVersion(model, version);
        return state && state.phase !== 'unmanaged' ? state : undefined;
      },
      30_000,
      'the new verdict recorded',
    );

    expect(validated.aliases).toEqual(['challenger']);
    expect(recorded.phase).toBe('validated');
    expect(said).toEqual([
      expect.stringMatching(/^Policies reloaded \(.*late\.yaml changed\): 2 policies; /),
    ]);
  });

  it('is the policy `baton status` names', async () => {
    const output = await renderStatus(model, {
      store,
      registry: createRegistry({ flavor: 'mlflow', trackingUri: stack.mlflowUrl }),
      policiesDir: dir,
    });

    expect(output.split('\n')[0]).toBe(`${model}: policy for late-*`);
  });
});
