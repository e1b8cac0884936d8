/**
 * Fault injection: the emulator's SQS becomes unreachable for Baton's functions (a TCP proxy in
 * front of moto resets every connection they open to it) while MLflow keeps delivering
 * webhooks for a burst of new versions. The ingress must answer 503 with a JSON error and queue
 * nothing; once SQS is back, MLflow's own retries and the tick's reconciler must bring every
 * version to exactly one validation: its verdict in MLflow and one audit entry, none lost, none
 * duplicated. The file runs an MLflow server of its own, so its deliveries blocked on 503s never
 * hold up the other files' webhooks in the shared server's delivery pool.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { deleteMlflowWebhook, ensureMlflowWebhook } from '../../local/mlflowWebhook';
import { freePort } from '../../local/ports';
import { ensurePythonEnv } from '../../local/pythonEnv';
import { awsClientConfig } from '../../local/resources';
import { type Service, startMlflow } from '../../local/services';
import type { LocalStack } from '../../local/stack';
import { FaultMode, type FaultProxy, startFaultProxy } from '../support/faultProxy';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { eventually } from '../support/registryWaits';
import { mlflowHeaders, mlflowPayload } from '../support/signing';
import { type VersionRef, validationTally, verdictsOf } from '../support/validationTally';
import { quiet } from './quiet';

/** SQS stays unreachable at least this long after the last version is registered. */
const outageAfterBurstMs = 12_000;

const logs: string[] = [];
let mlflowDir: string;
let mlflow: Service;
let proxy: FaultProxy;
let stack: LocalStack;
let store: DynamoPromotionStore;
let sqs: SQSClient;
let webhookId: string | undefined;

/**
 * Sends every function's SQS calls through the proxy: the SDK's SQS client follows the queue URL's
 * host (useQueueUrlAsEndpoint), the small signed client follows AWS_ENDPOINT_URL_SQS. Everything
 * else (SSM, DynamoDB, SNS) still reaches moto directly, and so do the local pollers (Lambda's side
 * of SQS). A sandbox reads its environment when it starts, so any already started is stopped.
 */
async function routeSqsThrough(target: LocalStack, proxyUrl: string) {
  for (const fn of target.runtime.functions.values()) {
    for (const [key, value] of Object.entries(fn.env)) {
      if (value.startsWith(`${target.motoUrl}/`)) fn.env[key] = proxyUrl + value.slice(target.motoUrl.length);
    }
    fn.env.AWS_ENDPOINT_URL_SQS = proxyUrl;
  }
  await Promise.all([...target.runtime.invokers.values()].map((sandbox) => sandbox.stop()));
}

/** Baton's structured log entries since line `from`, from the function named, parsed. */
function entriesSince(from: number, fn: string): Array<Record<string, unknown>> {
  return logs.slice(from).flatMap((line) => {
    if (!line.includes(`[${fn}] {`)) return [];
    try {
      return [JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** How many requests the ingress answered 503 because it could not queue their event. */
const refusals = (from: number) =>
  entriesSince(from, 'registryWebhook').filter(
    (e) => e.message === 'request failed' && (e.error as { name?: string })?.name === 'EnqueueError',
  ).length;

const keyOf = (v: VersionRef) => `${v.model} v${v.version}`;

/** Which of `versions` the ingress queued a model_version.created for. */
function queuedVersions(from: number, versions: VersionRef[]): Set<string> {
  const queued = entriesSince(from, 'registryWebhook')
    .filter((e) => e.message === 'queued registry event' && e.kind === 'model_version.created')
    .map((e) => keyOf(e as unknown as VersionRef));
  return new Set(versions.map(keyOf).filter((k) => queued.includes(k)));
}

/** Which of `versions` the tick's reconciler enqueued. */
function sweptVersions(from: number, versions: VersionRef[]): Set<string> {
  const swept = entriesSince(from, 'tick')
    .filter((e) => e.message === 'reconciler enqueued versions the webhooks missed')
    .flatMap((e) => e.versions as string[]);
  return new Set(versions.map(keyOf).filter((k) => swept.includes(k)));
}

async function messagesInPromotionQueue(): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: stack.resources.resolveString({ Ref: 'PromotionQueue' }),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

beforeAll(async () => {
  mlflowDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'baton-sqs-outage-'));
  const python = ensurePythonEnv({ stateDir: inject('stateDir') });
  [mlflow, proxy] = await Promise.all([
    startMlflow({ python, stateDir: mlflowDir, port: await freePort(), webhookCacheTtlSeconds: 0 }),
    startFaultProxy(inject('motoUrl')),
  ]);
  // No webhook yet: it is registered once the functions' SQS goes through the proxy.
  stack = await testStack('us-east-2', {
    services: { mlflowUrl: mlflow.url, motoUrl: inject('motoUrl') },
    webhook: false,
    // A short reconciler grace period and a fast tick: what MLflow gave up on is swept within seconds.
    env: { POLICIES_DIR: resolve('test/fixtures/policies'), RECONCILER_MIN_AGE_SECONDS: '3' },
    scheduleSeconds: 2,
    retryDelaySeconds: 1,
    log: (line) => logs.push(`${new Date().toISOString()} ${line}`),
  });
  await routeSqsThrough(stack, proxy.url);
  webhookId = await ensureMlflowWebhook({
    mlflowUrl: mlflow.url,
    name: uniqueName('baton-test-sqs-outage'),
    url: `${stack.ingressUrl}/webhooks/mlflow`,
    secret: stack.secrets.mlflowWebhookSecret,
  });
  store = testStore(stack);
  sqs = new SQSClient(awsClientConfig(stack.aws));
});
afterAll(async () => {
  sqs?.destroy();
  if (webhookId) await deleteMlflowWebhook(mlflow.url, webhookId).catch(() => undefined);
  await stack?.stop();
  await proxy?.close();
  await mlflow?.stop();
  if (mlflowDir) rmSync(mlflowDir, { recursive: true, force: true });
});
beforeEach(({ onTestFailed }) =>
  onTestFailed(() => {
    console.log(`--- Baton logs ---\n${logs.join('\n')}`);
    console.log(
      `--- MLflow log (tail) ---\n${readFileSync(mlflow.logFile, 'utf8').split('\n').slice(-40).join('\n')}`,
    );
  }),
);

describe("the emulator's SQS unreachable while MLflow delivers a burst of webhooks", () => {
  it('answers 503, queues nothing, and validates every version exactly once when SQS is back', async () => {
    // Prepare: four val-* models and two finished runs, one passing the policy and one failing it.
    const api = mlflowApi(mlflow.url);
    const models = ['a', 'b', 'c', 'd'].map((s) => uniqueName(`val-sqs-${s}`));
    for (const model of models) await api.ensureRegisteredModel(model);
    const runs = {
      pass: await api.createRun('baton-chaos-sqs', { val_auc: 0.9 }),
      fail: await api.createRun('baton-chaos-sqs', { val_auc: 0.7 }),
    };

    // Act: SQS goes away while 5 versions per model are registered.
    const downAt = Date.now();
    const downLine = logs.length;
    proxy.set(FaultMode.Reset);
    const created = (
      await Promise.all(
        models.map(async (model, m) => {
          const versions: Array<VersionRef & { expected: string }> = [];
          for (let i = 0; i < 5; i++) {
            const expected = (i + m) % 4 === 3 ? 'FAILED' : 'PASSED';
            const v = await api.createModelVersion(model, expected === 'PASSED' ? runs.pass : runs.fail, {
              description: 'sqs outage',
              tags: { git_sha: '5q5d0' },
            });
            versions.push({ model, version: v.version, expected });
          }
          return versions;
        }),
      )
    ).flat();
    // A delivery of our own, to read the ingress's answer.
    const body = mlflowPayload('model_version', 'created', {
      name: created[0]!.model,
      version: created[0]!.version,
      source: 's',
    });
    const own = await fetch(`${stack.ingressUrl}/webhooks/mlflow`, {
      method: 'POST',
      headers: mlflowHeaders(stack.secrets.mlflowWebhookSecret, body),
      body,
    });
    const ownAnswer = { status: own.status, type: own.headers.get('content-type'), body: await own.json() };
    // MLflow's first attempt for every version has met the dead queue before SQS comes back.
    await eventually(
      async () => (refusals(downLine) >= created.length + 1 ? true : undefined),
      60_000,
      'a 503 for every version',
    );
    await new Promise((r) => setTimeout(r, Math.max(0, outageAfterBurstMs - (Date.now() - downAt))));
    const queuedWhileDown = queuedVersions(downLine, created).size;
    const inQueueWhileDown = await messagesInPromotionQueue();
    const knownWhileDown = (
      await Promise.all(
        models.map((m) =>
          store.knownVersions(
            m,
            created.filter((c) => c.model === m).map((c) => c.version),
          ),
        ),
      )
    ).reduce((n, known) => n + known.size, 0);
    const answered503 = refusals(downLine);
    const { reset } = proxy.stats();
    const upLine = logs.length;
    const downMs = Date.now() - downAt;
    proxy.set(FaultMode.Forward);

    // Assess: every version gets its verdict, then (with the queue drained) exactly one validation.
    const verdicts = await verdictsOf(api, created, 150_000);
    // The reconciler's late sweeps and MLflow's last retries land before counting: the queue stays empty beyond a tick.
    await quiet(messagesInPromotionQueue, { spanMs: 6_000, timeoutMs: 60_000 });
    const { lost, duplicated } = await validationTally(store, created);
    console.log(
      `chaos: SQS unreachable for ${(downMs / 1000).toFixed(1)} s during a burst — events sent ${created.length}, ` +
        `ingress 503s ${answered503} (SQS connections reset ${reset}), once SQS was back re-delivered by MLflow ` +
        `${queuedVersions(upLine, created).size} and swept by the reconciler ${sweptVersions(upLine, created).size}, ` +
        `verdicts seen ${verdicts.length}, lost ${lost}, duplicated ${duplicated}`,
    );

    expect(ownAnswer).toEqual({
      status: 503,
      type: 'application/json',
      body: { error: 'queue_unavailable', detail: expect.any(String) },
    });
    expect({ queuedWhileDown, inQueueWhileDown, knownWhileDown }).toEqual({
      queuedWhileDown: 0,
      inQueueWhileDown: 0,
      knownWhileDown: 0,
    });
    expect(verdicts).toEqual(created.map((c) => c.expected));
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  }, 360_000);
});
