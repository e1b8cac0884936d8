/**
 * Fault injection: every webhook delivered twice with its delivery id, once more with a new id,
 * shuffled and sent concurrently. Every version must be validated exactly once.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { mlflowHeaders, mlflowPayload } from '../support/signing';
import { validationTally, verdictsOf } from '../support/validationTally';
import { promotionQueueDepth, quiet } from './quiet';

let stack: LocalStack;
let store: DynamoPromotionStore;

beforeAll(async () => {
  // No MLflow webhook: the test is the only sender.
  stack = await testStack('ca-central-1', {
    webhook: false,
    env: { POLICIES_DIR: resolve('test/fixtures/policies') },
  });
  store = testStore(stack);
});
afterAll(async () => {
  await stack?.stop();
});

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('webhooks delivered twice, out of order and concurrently', () => {
  it('validate every version exactly once', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    const models = [uniqueName('val-dup-a'), uniqueName('val-dup-b'), uniqueName('val-dup-c')];
    const runId = await api.createRun('baton-chaos', { val_auc: 0.9 });
    const versions: Array<{ model: string; version: string }> = [];
    for (const model of models) {
      await api.ensureRegisteredModel(model);
      for (let i = 0; i < 4; i++) {
        const v = await api.createModelVersion(model, runId, {
          description: 'dup',
          tags: { git_sha: 'd0d0' },
        });
        versions.push({ model, version: v.version });
      }
    }
    const secret = stack.secrets.mlflowWebhookSecret;
    const deliveries = versions.flatMap(({ model, version }) => {
      const body = mlflowPayload('model_version', 'created', { name: model, version, source: 's' });
      const id = randomUUID();
      return [id, id, randomUUID()].map((deliveryId) => ({ body, deliveryId }));
    });

    const statuses = await Promise.all(
      shuffle(deliveries).map(({ body, deliveryId }) =>
        fetch(`${stack.ingressUrl}/webhooks/mlflow`, {
          method: 'POST',
          headers: mlflowHeaders(secret, body, new Date(), deliveryId),
          body,
        }).then((r) => r.status),
      ),
    );
    const verdicts = await verdictsOf(api, versions, 90_000);
    // Every duplicate reaches the worker before counting: the queue stays empty beyond a tick.
    const sqs = new SQSClient(awsClientConfig(stack.aws));
    await quiet(() => promotionQueueDepth(stack, sqs), { spanMs: 6_000, timeoutMs: 60_000 }).finally(() =>
      sqs.destroy(),
    );
    const { lost, duplicated } = await validationTally(store, versions);
    console.log(
      `chaos: every webhook twice, shuffled, concurrent — events sent ${deliveries.length}, versions ${versions.length}, lost ${lost}, duplicated ${duplicated}`,
    );

    expect(statuses.every((s) => s === 202)).toBe(true);
    expect(verdicts.every((s) => s === 'PASSED')).toBe(true);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  }, 180_000);
});
