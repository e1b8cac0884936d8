/**
 * Lost state is safe: the registry is the durable record of Baton's verdicts. A stack builds a
 * history in the real MLflow server (promotions, an archive, a failed version), more verdicts are
 * written as Baton writes them (a rejection, a rollback); then a restarted stack on a fresh
 * emulator (an empty table) sweeps the registry and old events are replayed. Nothing moves: every
 * alias is where it was, each version is adopted in the phase its tags record, and
 * `baton history` says so.
 */
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RegistryEvent } from '../../events/promotionEvent';
import { SqsEventQueue } from '../../lib/adapters/queue/sqsEventQueue';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { runBatonCli } from '../support/batonCli';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { promotionQueueDrained } from '../support/queueWaits';
import { eventually, settledPhase } from '../support/registryWaits';

const policies = resolve('test/fixtures/governance-policies');
const api = mlflowApi(inject('mlflowUrl'));
const model = uniqueName('lost');
let restarted: LocalStack | undefined;
let store: DynamoPromotionStore;
let before: Record<string, string[]>;

/** Every version's aliases, as MLflow shows them. */
async function aliasesByVersion(): Promise<Record<string, string[]>> {
  const held: Record<string, string[]> = {};
  for (const version of ['1', '2', '3', '4', '5', '6']) {
    held[version] = [...((await api.getModelVersion(model, version)).aliases ?? [])].sort();
  }
  return held;
}

async function register(valAuc: number, tags: Record<string, string> = {}) {
  const runId = await api.createRun('baton-lost-state-tests', { val_auc: valAuc });
  return (await api.createModelVersion(model, runId, { description: 'lost-state test', tags })).version;
}

beforeAll(async () => {
  // The first stack: Baton's own verdicts, through its webhook and worker.
  const first = await testStack('me-central-1', { scheduleSeconds: 1, env: { POLICIES_DIR: policies } });
  try {
    const firstStore = testStore(first);
    await api.ensureRegisteredModel(model);
    for (const [valAuc, phase] of [
      [0.9, 'promoted'],
      [0.91, 'promoted'],
      [0.5, 'failed_validation'],
      [0.92, 'promoted'],
    ] as const) {
      const version = await register(valAuc);
      await settledPhase(firstStore, model, version, [phase], 45_000);
    }
  } finally {
    await first.stop();
  }
  // Verdicts written as Baton writes them: v5 rejected by carol, v6 rolled back by an alarm.
  await register(0.93, {
    validation_status: 'PASSED',
    'baton.phase': 'rejected',
    'baton.rejected_by': 'carol',
  });
  await register(0.94, {
    validation_status: 'PASSED',
    'baton.phase': 'rolled_back',
    'baton.rollback_reason': 'alarm lost-5xx',
    'baton.rolled_back_by': 'alert:cloudwatch',
    'baton.rolled_back_at': new Date().toISOString(),
  });
  before = await aliasesByVersion();

  // The restart: a fresh emulator, so an empty table, on the same registry; only sweeps find versions.
  restarted = await testStack('ca-west-1', {
    webhook: false,
    scheduleSeconds: 1,
    env: { POLICIES_DIR: policies, RECONCILER_MIN_AGE_SECONDS: '1' },
  });
  store = testStore(restarted);
  await eventually(
    async () => ((await store.listVersions(model)).length === 6 ? true : undefined),
    60_000,
    'the sweep to record every version',
  );
  // Then every old webhook delivery again, as a registry that redelivers (or a replayed DLQ) would.
  const queue = new SqsEventQueue(
    new SQSClient(awsClientConfig(restarted.aws)),
    restarted.resources.resolveString({ Ref: 'PromotionQueue' }),
  );
  const at = new Date().toISOString();
  const replay = (fields: Partial<RegistryEvent>, id: string): RegistryEvent => ({
    type: 'registry',
    kind: 'model_version.created',
    source: 'mlflow',
    model,
    deliveryId: `replay:${id}`,
    occurredAt: at,
    receivedAt: at,
    ...fields,
  });
  for (const version of ['1', '2', '3', '4', '5', '6'])
    await queue.enqueue(replay({ version }, `created:${version}`));
  for (const version of ['1', '2', '4']) {
    await queue.enqueue(
      replay({ kind: 'model_version_alias.created', alias: 'champion', version }, `champion:${version}`),
    );
  }
  await promotionQueueDrained(restarted);
}, 300_000);

afterAll(async () => {
  await restarted?.stop();
});

describe('a restarted stack with an empty table', () => {
  it('moves no alias in MLflow', async () => {
    expect(before).toEqual({ '1': [], '2': ['archive'], '3': [], '4': ['champion'], '5': [], '6': [] });
    expect(await aliasesByVersion()).toEqual(before);
  });

  it('adopts the phase each version’s tags record', async () => {
    const phases = Object.fromEntries((await store.listVersions(model)).map((s) => [s.version, s.phase]));

    expect(phases).toEqual({
      '1': 'archived',
      '2': 'archived',
      '3': 'failed_validation',
      '4': 'promoted',
      '5': 'rejected',
      '6': 'rolled_back',
    });
  });

  it('adopts the champion holder Baton promoted as its champion of record', async () => {
    expect(await store.getChampion(model)).toBe('4');
  });

  it('records one adoption per version and decides nothing again', async () => {
    const kinds = (await store.listAudit(model)).map((a) => `v${a.version} ${a.kind}`).sort();

    expect(kinds).toEqual(['1', '2', '3', '4', '5', '6'].map((v) => `v${v} state.adopted`));
  });

  it('shows the adoptions in `baton history`', async () => {
    const cli = await runBatonCli(restarted!, ['history', model]);

    expect(cli.code).toBe(0);
    expect(cli.output).toContain('state.adopted');
    expect(cli.output).toContain("adopted rejected from the registry's tags; nothing moved");
  });
});
