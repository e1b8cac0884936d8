/**
 * MLflow stopped while Baton is processing new versions: the worker's messages fail and are
 * retried, and once MLflow is back (same port, same database) every version converges to its
 * verdict, with exactly one validation recorded per version. This file runs an MLflow server of
 * its own, since stopping the shared one would break every other file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { DynamoPromotionStore } from '../../lib/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { ensurePythonEnv } from '../../local/pythonEnv';
import { awsClientConfig } from '../../local/resources';
import { type Service, startMlflow } from '../../local/services';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { uniqueName } from '../support/localStack';
import { eventually, tagsOf } from '../support/registryWaits';
import { mlflowHeaders, mlflowPayload } from '../support/signing';
import { freePort } from './globalSetup';

const passing = { val_auc: 0.91, val_logloss: 0.3 };
const failing = { val_auc: 0.7 };
/** How long MLflow stays down at least, counted from the stop (its restart adds ~2–5 s). */
const outageMs = 6_000;

const logs: string[] = [];
const python = ensurePythonEnv({ stateDir: inject('stateDir') });
let mlflowDir: string;
let mlflowPort: number;
let mlflow: Service;
let stack: LocalStack;
let store: DynamoPromotionStore;
let sqs: SQSClient;

const startOwnMlflow = () =>
  startMlflow({ python, stateDir: mlflowDir, port: mlflowPort, webhookCacheTtlSeconds: 0 });

beforeAll(async () => {
  mlflowDir = mkdtempSync(join(tmpdir(), 'baton-outage-'));
  mlflowPort = await freePort();
  mlflow = await startOwnMlflow();
  stack = await startLocalStack({
    stateDir: inject('stateDir'),
    region: 'ap-south-1',
    ports: { mlflow: 0, moto: 0, ingress: 0 },
    services: { mlflowUrl: mlflow.url, motoUrl: inject('motoUrl') },
    webhookName: uniqueName('baton-test-outage'),
    env: { POLICIES_DIR: resolve('test/fixtures/policies') },
    scheduleSeconds: 2,
    retryDelaySeconds: 1,
    log: (line) => logs.push(`${new Date().toISOString()} ${line}`),
  });
  const config = awsClientConfig(stack.aws);
  store = new DynamoPromotionStore(
    DynamoDBDocumentClient.from(new DynamoDBClient(config)),
    stack.resources.resolveString({ Ref: 'BatonTable' }),
  );
  sqs = new SQSClient(config);
});
afterAll(async () => {
  sqs?.destroy();
  // The stack removes its webhook from MLflow, so MLflow must still be up.
  await stack?.stop();
  await mlflow?.stop();
  if (mlflowDir) rmSync(mlflowDir, { recursive: true, force: true });
});

const queueUrl = (id: string) => stack.resources.resolveString({ Ref: id });
const linesAfter = (mark: number, text: string) => logs.slice(mark).filter((l) => l.includes(text));

async function messagesIn(queue: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl(queue),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

/** What is in the promotion DLQ (peeked, then left there). */
async function deadLetters(): Promise<Array<{ model: string; version?: string; source: string }>> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl('PromotionDeadLetterQueue'),
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
    }),
  );
  return Messages.map((m) => JSON.parse(m.Body!));
}

interface Candidate {
  model: string;
  version: string;
  expected: 'PASSED' | 'FAILED';
}

describe('MLflow stopped while Baton is processing new versions', () => {
  it('retries, and once MLflow is back every version gets its verdict exactly once', async () => {
    onTestFailed(() => {
      console.log(`--- Baton logs ---\n${logs.join('\n')}`);
      console.log(
        `--- MLflow log (tail) ---\n${readFileSync(mlflow.logFile, 'utf8').split('\n').slice(-60).join('\n')}`,
      );
    });
    // Prepare: three val-* models with their runs, so only the version creates remain.
    const api = mlflowApi(mlflow.url);
    const plan = [
      { model: uniqueName('val-outage-a'), metrics: [passing, failing, passing] },
      { model: uniqueName('val-outage-b'), metrics: [failing, passing] },
      { model: uniqueName('val-outage-c'), metrics: [passing] },
    ];
    // One after another: mlflowApi's get-or-create of the experiment is not safe in parallel.
    const runs: string[][] = [];
    for (const { model, metrics } of plan) {
      await api.ensureRegisteredModel(model);
      const ids = [];
      for (const m of metrics) ids.push(await api.createRun('baton-outage-tests', m));
      runs.push(ids);
    }

    // Act: register six versions, then stop MLflow as soon as the creates return.
    const candidates: Candidate[] = (
      await Promise.all(
        plan.map(async ({ model, metrics }, i) => {
          const created: Candidate[] = [];
          for (const [j, m] of metrics.entries()) {
            const v = await api.createModelVersion(model, runs[i]![j]!, {
              description: 'candidate',
              tags: { git_sha: 'abc123' },
            });
            created.push({ model, version: v.version, expected: m === passing ? 'PASSED' : 'FAILED' });
          }
          return created;
        }),
      )
    ).flat();
    const stoppedAt = Date.now();
    await mlflow.stop();
    const down = logs.length;
    // MLflow's own webhooks may be lost in the stop; deliver model_version.created for every version
    // while MLflow is down, so the worker is sure to meet the dead registry for those not yet decided.
    const decidedBeforeStop = [];
    for (const c of candidates) {
      if ((await store.getVersion(c.model, c.version))?.phase !== undefined) decidedBeforeStop.push(c);
      const body = mlflowPayload('model_version', 'created', {
        name: c.model,
        version: c.version,
        source: 's',
      });
      const response = await fetch(`${stack.ingressUrl}/webhooks/mlflow`, {
        method: 'POST',
        headers: mlflowHeaders(stack.secrets.mlflowWebhookSecret, body),
        body,
      });
      expect(response.status).toBe(202);
    }
    const failures = await eventually(
      async () => {
        const found = linesAfter(down, 'promotion event failed; will retry');
        return found.length > 0 ? found : undefined;
      },
      outageMs,
      'a failed promotion event while MLflow is down',
    );
    await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + outageMs - Date.now())));
    mlflow = await startOwnMlflow();
    const restartedAt = Date.now();
    const up = logs.length;

    // Assess: every version converges to its verdict, in MLflow.
    const verdicts = await Promise.all(
      candidates.map((c) =>
        eventually(
          async () => {
            const status = tagsOf(await api.getModelVersion(c.model, c.version)).validation_status;
            return status === 'PASSED' || status === 'FAILED' ? status : undefined;
          },
          60_000,
          `a verdict on ${c.model} v${c.version}`,
        ),
      ),
    );
    const convergedAt = Date.now();
    // Let the retries, the swept duplicates and the tag-set echoes drain before counting.
    await eventually(
      async () => ((await messagesIn('PromotionQueue')) === 0 ? true : undefined),
      30_000,
      'an empty queue',
    );
    const audits = new Map(
      await Promise.all(plan.map(async ({ model }) => [model, await store.listAudit(model)] as const)),
    );
    const dlq = await deadLetters();
    console.info(
      `registry outage: down ${restartedAt - stoppedAt} ms, converged ${convergedAt - restartedAt} ms after restart; ` +
        `${failures.length} failed attempts while down; decided before the stop: ${decidedBeforeStop.length}; ` +
        `DLQ: ${JSON.stringify(dlq)}`,
    );

    expect(verdicts).toEqual(candidates.map((c) => c.expected));
    for (const c of candidates) {
      const validations = audits
        .get(c.model)!
        .filter((a) => a.version === c.version && a.kind.startsWith('validation.'))
        .map((a) => a.kind);
      expect(validations, `${c.model} v${c.version}`).toEqual([
        c.expected === 'PASSED' ? 'validation.passed' : 'validation.failed',
      ]);
    }
    expect(failures.length).toBeGreaterThan(0);
    // MLflow still signs its deliveries after the restart: the secret is readable with the kept key.
    expect(
      linesAfter(up, '[registryWebhook]').filter((l) => l.includes('queued registry event')),
    ).not.toEqual([]);
    expect(linesAfter(up, 'invalid_signature')).toEqual([]);
    expect(dlq).toEqual([]);
  });
});
