/**
 * `protectChampion: record`: a champion alias moved by hand in the real MLflow server is one
 * episode, recorded in the audit trail and announced once however many sweeps (every second here)
 * see it; moving it on to another version is a second episode.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { eventually, settledPhase } from '../support/registryWaits';

let stack: LocalStack;
let store: DynamoPromotionStore;
let probe: Awaited<ReturnType<typeof notificationProbe>>;
let api: ReturnType<typeof mlflowApi>;
const model = uniqueName('guarded');
const bystander = uniqueName('bystander');

beforeAll(async () => {
  stack = await testStack('ap-south-2', {
    webhook: false,
    scheduleSeconds: 1,
    env: { POLICIES_DIR: resolve('test/fixtures/governance-policies'), RECONCILER_MIN_AGE_SECONDS: '1' },
  });
  store = testStore(stack);
  probe = await notificationProbe(stack);
  api = mlflowApi(stack.mlflowUrl);
  await api.ensureRegisteredModel(model);
  await api.ensureRegisteredModel(bystander);
  for (const [valAuc, phase] of [
    [0.9, 'promoted'],
    [0.91, 'promoted'],
    [0.5, 'failed_validation'],
  ] as const) {
    const runId = await api.createRun('baton-protected-champion-tests', { val_auc: valAuc });
    const { version } = await api.createModelVersion(model, runId);
    await settledPhase(store, model, version, [phase], 45_000);
  }
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

/**
 * Waits for `count` more sweeps: each registers a version of a model no policy covers, which only
 * a sweep records (there is no webhook), so each recorded version proves a tick ran after it.
 */
async function sweeps(count: number) {
  for (let i = 0; i < count; i++) {
    const runId = await api.createRun('baton-protected-champion-tests', { val_auc: 0.1 });
    const { version } = await api.createModelVersion(bystander, runId);
    await eventually(
      async () => ((await store.getVersion(bystander, version)) ? true : undefined),
      30_000,
      `a sweep to record ${bystander} v${version}`,
    );
  }
}

async function moveChampion(version: string) {
  await api.call('POST', 'registered-models/alias', { name: model, alias: 'champion', version });
}

async function episodes() {
  const audit = (await store.listAudit(model)).filter((a) => a.kind === 'champion.changed_externally');
  const told = (await probe.drain()).filter((n) => n.kind === 'champion.changed' && n.model === model);
  return { audit, told };
}

describe('a champion alias moved by hand', () => {
  it('is recorded and announced once over many sweeps', async () => {
    await moveChampion('1');
    await eventually(async () => ((await episodes()).audit.length ? true : undefined), 30_000, 'the episode');

    await sweeps(5);
    const { audit, told } = await episodes();

    expect(audit.map((a) => `${a.actor}: ${a.evidence.from} → ${a.evidence.to}`)).toEqual([
      'unknown (outside Baton): 2 → 1',
    ]);
    expect(told.map((n) => `${n.version} (Baton's champion ${'expected' in n ? n.expected : '?'})`)).toEqual([
      "1 (Baton's champion 2)",
    ]);
    expect((await api.getModelVersion(model, '1')).aliases).toContain('champion');
  });

  it('is a second episode when moved on to another version', async () => {
    await moveChampion('3');
    await eventually(
      async () => ((await episodes()).audit.length === 2 ? true : undefined),
      30_000,
      'the second episode',
    );

    await sweeps(3);
    const { audit, told } = await episodes();

    expect(audit.map((a) => `${a.evidence.from} → ${a.evidence.to}`)).toEqual(['2 → 1', '2 → 3']);
    expect(told.map((n) => n.version)).toEqual(['1', '3']);
  });
});
