/**
 * Fault injection: the worker's sandbox is SIGKILLed again and again while a burst of versions
 * across several models is being validated — in the middle of batches, between registry writes,
 * between applying effects and storing state. Every version must still get exactly one
 * validation: its verdict in MLflow and one audit entry, nothing lost and nothing doubled.
 */
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { eventually } from '../support/registryWaits';
import { validationTally, verdictsOf } from '../support/validationTally';
import { promotionQueueDepth, quiet } from './quiet';

let stack: LocalStack;
let store: DynamoPromotionStore;
let sqs: SQSClient;
const logs: string[] = [];

beforeAll(async () => {
  stack = await testStack('ap-northeast-1', {
    env: { POLICIES_DIR: resolve('test/fixtures/policies'), RECONCILER_MIN_AGE_SECONDS: '5' },
    scheduleSeconds: 3,
    retryDelaySeconds: 1,
    log: (line) => logs.push(`${new Date().toISOString()} ${line}`),
  });
  store = testStore(stack);
  sqs = new SQSClient(awsClientConfig(stack.aws));
});
afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});
// A failure on a busy machine is read from what the functions did.
beforeEach(({ onTestFailed }) =>
  onTestFailed(() => console.log(`--- Baton logs (tail) ---\n${logs.slice(-300).join('\n')}`)),
);

describe('the worker killed (SIGKILL) in the middle of a burst', () => {
  it('validates every version exactly once', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    const models = [uniqueName('val-kill-a'), uniqueName('val-kill-b'), uniqueName('val-kill-c')];
    for (const model of models) await api.ensureRegisteredModel(model);
    const runs = {
      pass: await api.createRun('baton-chaos', { val_auc: 0.9 }),
      fail: await api.createRun('baton-chaos', { val_auc: 0.7 }),
    };
    const worker = stack.runtime.invokers.get('WorkerLambdaFunction')!;

    // Register 8 versions per model at once while killing the worker every 700 ms.
    let kills = 0;
    const killer = setInterval(() => {
      worker.kill();
      kills += 1;
    }, 700);
    const created = await Promise.all(
      models.flatMap((model) =>
        Array.from({ length: 8 }, (_, i) => i).map(async (i) => {
          const expected = i % 3 === 2 ? 'FAILED' : 'PASSED';
          const v = await api.createModelVersion(model, expected === 'PASSED' ? runs.pass : runs.fail, {
            description: 'chaos',
            tags: { git_sha: 'c4a05' },
          });
          return { model, version: v.version, expected };
        }),
      ),
    );
    // Kills go on until the worker has died several times with the burst's events in its queue.
    await eventually(async () => (kills >= 8 ? true : undefined), 60_000, 'eight kills');
    clearInterval(killer);

    const verdicts = await verdictsOf(api, created, 120_000);
    // Redeliveries and swept duplicates land before counting: the queue stays empty beyond a tick.
    await quiet(() => promotionQueueDepth(stack, sqs), { spanMs: 8_000, timeoutMs: 120_000 });
    const { lost, duplicated } = await validationTally(store, created);
    console.log(
      `chaos: worker SIGKILL ×${kills} during a burst — events sent ${created.length}, verdicts seen ${verdicts.length}, lost ${lost}, duplicated ${duplicated}`,
    );

    expect(kills).toBeGreaterThanOrEqual(5);
    expect(verdicts).toEqual(created.map((c) => c.expected));
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  }, 240_000);
});
