/**
 * Intake without webhooks: the real MLflow server stands in for a registry that cannot push
 * (`webhook: false`, the poll intake on, searching without order_by as Unity Catalog does, ten
 * versions a page). The tick (every second) polls each managed model from its cursor in DynamoDB;
 * every new version is validated once, a burst of 25 over three pages included, and a re-poll by a
 * freshly started intake queues nothing. The reconciler is held back (a one-hour grace period), so
 * what is validated came through the poll.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionEvent } from '../../events/promotionEvent';
import { SqsEventQueue } from '../../lib/adapters/queue/sqsEventQueue';
import { HttpClient } from '../../lib/adapters/registry/httpClient';
import { HttpVersionFeed } from '../../lib/adapters/registry/versionFeed';
import { DynamoPollCursors } from '../../lib/adapters/store/dynamoPollCursors';
import { runPollIntake } from '../../lib/app/pollIntake';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testDocuments, testStack, testStore, uniqueName } from '../support/localStack';
import { type VersionRef, validationTally, verdictsOf } from '../support/validationTally';

const region = 'us-gov-west-1';
const few = uniqueName('polled');
const burst = uniqueName('polled-burst');
/** A glob policy's family: its models are found through MLflow's model listing. */
const family = uniqueName('polled-glob');
let dir: string;
let stack: LocalStack;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-poll-'));
  // Exact names: the poll intake polls the models policies name.
  for (const model of [few, burst]) {
    writeFileSync(
      join(dir, `${model}.yaml`),
      `model: ${model}\nchecks:\n  metrics:\n    - { name: val_auc, min: 0.8 }\napproval: { required: false }\n`,
    );
  }
  writeFileSync(
    join(dir, `${family}.yaml`),
    `model: ${family}-*\nchecks:\n  metrics:\n    - { name: val_auc, min: 0.8 }\napproval: { required: false }\n`,
  );
  stack = await testStack(region, {
    webhook: false,
    scheduleSeconds: 1,
    env: {
      POLICIES_DIR: dir,
      REGISTRY_POLL_INTAKE: 'on',
      REGISTRY_POLL_UNORDERED: 'true',
      REGISTRY_POLL_PAGE_SIZE: '10',
      TICK_SECONDS: '1',
      REGISTRY_POLL_RPS: '20',
      RECONCILER_MIN_AGE_SECONDS: '3600',
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function register(model: string, count: number): Promise<VersionRef[]> {
  const api = mlflowApi(stack.mlflowUrl);
  await api.ensureRegisteredModel(model);
  const runId = await api.createRun('baton-poll-intake-tests', { val_auc: 0.9 });
  const refs: VersionRef[] = [];
  for (let i = 0; i < count; i++) {
    const { version } = await api.createModelVersion(model, runId);
    refs.push({ model, version });
  }
  return refs;
}

describe('the poll intake of a registry without webhooks', () => {
  it('validates each of three new versions once', async () => {
    const refs = await register(few, 3);

    // The first validation also starts the local worker's sandbox.
    const verdicts = await verdictsOf(mlflowApi(stack.mlflowUrl), refs, 80_000);

    expect(verdicts).toEqual(['PASSED', 'PASSED', 'PASSED']);
    expect(await validationTally(testStore(stack), refs)).toEqual({ lost: 0, duplicated: 0 });
  }, 90_000);

  it('validates every version of a burst of 25 read over three pages, none twice', async () => {
    const refs = await register(burst, 25);

    // One local worker validates them one after another (one FIFO group): seconds each on a busy machine.
    const verdicts = await verdictsOf(mlflowApi(stack.mlflowUrl), refs, 240_000);

    expect(verdicts.filter((v) => v === 'PASSED')).toHaveLength(25);
    expect(await validationTally(testStore(stack), refs)).toEqual({ lost: 0, duplicated: 0 });
  }, 250_000);

  it('finds a model created under a glob policy through the model listing and validates its versions', async () => {
    const refs = await register(`${family}-eu`, 2);

    const verdicts = await verdictsOf(mlflowApi(stack.mlflowUrl), refs, 80_000);

    expect(verdicts).toEqual(['PASSED', 'PASSED']);
    expect(await validationTally(testStore(stack), refs)).toEqual({ lost: 0, duplicated: 0 });
    const cursors = await new DynamoPollCursors(
      testDocuments(stack),
      stack.resources.resolveString({ Ref: 'BatonTable' }),
    ).all();
    expect(cursors.find((c) => c.model === `${family}-eu`)).toMatchObject({ version: 2 });
  }, 90_000);

  it('queues nothing new when a freshly started intake polls again from the stored cursors', async () => {
    const sent: PromotionEvent[] = [];
    const sqs = new SqsEventQueue(
      new SQSClient(awsClientConfig(stack.aws)),
      stack.resources.resolveString({ Ref: 'PromotionQueue' }),
    );
    const deps = {
      feed: new HttpVersionFeed(new HttpClient({ baseUrl: stack.mlflowUrl }), {
        dialect: 'mlflow',
        pageSize: 10,
        ordered: false,
      } as const),
      cursors: new DynamoPollCursors(
        testDocuments(stack),
        stack.resources.resolveString({ Ref: 'BatonTable' }),
      ),
      queue: {
        enqueue: async (event: PromotionEvent) => {
          sent.push(event);
          await sqs.enqueue(event);
        },
      },
      managedModels: async () => [few, burst],
      budgetPerTick: 100,
      tickMs: 1000,
    };

    // Both models are due a few ticks later, whatever the stack's own tick did meanwhile.
    const result = await runPollIntake(deps, new Date(Date.now() + 5_000));

    expect([result.polled, result.queued.length, sent.length]).toEqual([2, 0, 0]);
  });
});
