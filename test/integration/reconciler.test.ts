/**
 * With MLflow's webhook switched off (or its deliveries lost), the scheduled reconciler still
 * finds a new version in the real registry and Baton validates it.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { testStack, uniqueName } from '../support/localStack';
import { eventually, tagsOf } from '../support/registryWaits';

let stack: LocalStack;
beforeAll(async () => {
  stack = await testStack('us-west-1', {
    webhook: false,
    scheduleSeconds: 2,
    // A short grace period, so the test need not wait the minute a version is left to its webhook.
    env: { POLICIES_DIR: resolve('test/fixtures/swept-policies'), RECONCILER_MIN_AGE_SECONDS: '2' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('the reconciler', () => {
  it('validates a version that no webhook announced', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    const model = uniqueName('swept');
    await api.ensureRegisteredModel(model);
    const runId = await api.createRun('baton-reconciler-tests', { val_auc: 0.92, val_logloss: 0.3 });

    const created = await api.createModelVersion(model, runId, {
      description: 'no webhook',
      tags: { git_sha: 'f00' },
    });
    const version = await eventually(
      async () => {
        const v = await api.getModelVersion(model, created.version);
        return tagsOf(v).validation_status === 'PASSED' ? v : undefined;
      },
      45_000,
      `the reconciler to find ${model} v${created.version}`,
    );

    expect(version.aliases).toEqual(['challenger']);
    expect(tagsOf(version)['baton.check.metric.val_auc']).toBe('PASS: val_auc 0.92 ≥ 0.8');
  });

  it('notices a champion alias removed outside Baton without any webhook, and puts it back', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    const model = uniqueName('swept-auto');
    await api.ensureRegisteredModel(model);
    const runId = await api.createRun('baton-reconciler-tests', { val_auc: 0.9 });
    const { version } = await api.createModelVersion(model, runId);
    await eventually(
      async () =>
        (await api.getModelVersion(model, version)).aliases?.includes('champion') ? true : undefined,
      45_000,
      'the automatic promotion',
    );

    await api.call('DELETE', 'registered-models/alias', { name: model, alias: 'champion' });

    await eventually(
      async () =>
        (await api.getModelVersion(model, version)).aliases?.includes('champion') ? true : undefined,
      45_000,
      'the reconciler to restore champion',
    );
  });
});
