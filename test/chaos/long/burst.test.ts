/**
 * Fault injection: a burst of 1,000 versions across 50 models, with the worker's sandbox SIGKILLed
 * every few seconds while they are registered and the MLflow server SIGKILLed twice (at a third
 * and two thirds of it), each time restarted on the same port and database. Registrations that
 * meet the dead server are retried; the webhooks MLflow had not sent yet die with it, and Baton's
 * reads and writes fail until it is back. Every version in the registry at the end must still get
 * exactly one validation: its verdict in MLflow and one audit entry, none lost, none doubled.
 * The file runs an MLflow server of its own: killing the shared one would break every other file,
 * and a burst this size would flood every other file's webhook with deliveries.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { DynamoPromotionStore } from '../../../lib/adapters/store/dynamoPromotionStore';
import { type ModelVersion, mlflowApi } from '../../../local/mlflowApi';
import { freePort } from '../../../local/ports';
import { ensurePythonEnv } from '../../../local/pythonEnv';
import { awsClientConfig } from '../../../local/resources';
import { type Service, startMlflow } from '../../../local/services';
import type { LocalStack } from '../../../local/stack';
import { testStack, testStore, uniqueName } from '../../support/localStack';
import { eventually, tagsOf } from '../../support/registryWaits';
import { type VersionRef, validationTally } from '../../support/validationTally';
import { quiet } from '../quiet';

/** 1,000 versions by default (BATON_BURST_VERSIONS for a quicker run), 20 per model. */
const versionsPerModel = 20;
const modelCount = Math.ceil(Number(process.env.BATON_BURST_VERSIONS ?? 1000) / versionsPerModel);
/** Registrations in flight at once, as several training pipelines finishing together. */
const concurrentRegistrations = 6;
/** MLflow is SIGKILLed (and started again) once this many registrations have returned, each time. */
const killAfter = [1, 2].map((k) => Math.round((modelCount * versionsPerModel * k) / 3));
/** The worker's sandbox is SIGKILLed this often while the versions are registered. */
const workerKillEveryMs = 5_000;
/** It stays dead this long before its restart (which itself takes several seconds). */
const deadMs = 2_000;

/**
 * The burst's policy: the validation fixture's metric check alone. Every check is one more tag
 * write per version, and the local runtime feeds the worker one batch at a time, so a lean policy
 * keeps several hundred versions within a few minutes.
 */
const policy = `model: val-burst-*
checks:
  metrics:
    - { name: val_auc, min: 0.8 }
`;

const logs: string[] = [];
const python = ensurePythonEnv({ stateDir: inject('stateDir') });
/** MLflow's database, its logs and the policy; in memory where there is one (SQLite commits are the bottleneck). */
let dir: string;
let mlflowPort: number;
let mlflow: Service;
let stack: LocalStack;
let store: DynamoPromotionStore;
let sqs: SQSClient;

const startOwnMlflow = () => startMlflow({ python, stateDir: dir, port: mlflowPort });

beforeAll(async () => {
  dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'baton-burst-'));
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'policies', 'burst.yaml'), policy);
  mlflowPort = await freePort();
  mlflow = await startOwnMlflow();
  stack = await testStack('eu-north-1', {
    services: { mlflowUrl: mlflow.url, motoUrl: inject('motoUrl') },
    // The webhooks that die with MLflow are swept once their versions are two minutes old: sooner,
    // and the reconciler would also sweep the versions still queued behind the burst, duplicating
    // work the single local worker then has to get through.
    env: { POLICIES_DIR: join(dir, 'policies'), RECONCILER_MIN_AGE_SECONDS: '120' },
    scheduleSeconds: 10,
    retryDelaySeconds: 1,
    log: (line) => logs.push(`${new Date().toISOString()} ${line}`),
  });
  store = testStore(stack);
  sqs = new SQSClient(awsClientConfig(stack.aws));
});
afterAll(async () => {
  sqs?.destroy();
  // The stack removes its webhook from MLflow, so MLflow must be up.
  await stack?.stop();
  await mlflow?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(({ onTestFailed }) =>
  onTestFailed(() => {
    console.log(`--- Baton logs (tail) ---\n${logs.slice(-200).join('\n')}`);
    const tail = readFileSync(mlflow.logFile, 'utf8').split('\n').slice(-40).join('\n');
    console.log(`--- MLflow log (tail) ---\n${tail}`);
  }),
);

/** Runs `register` until MLflow takes it, waiting for its health check between tries. */
async function untilMlflowTakes<T>(register: () => Promise<T>): Promise<{ value: T; retries: number }> {
  for (let retries = 0; ; retries++) {
    try {
      return { value: await register(), retries };
    } catch (error) {
      if (retries >= 20) throw error;
      await eventually(
        async () =>
          (await fetch(`${mlflow.url}/health`, { signal: AbortSignal.timeout(1000) })).ok ? true : undefined,
        120_000,
        'MLflow to answer again',
      );
    }
  }
}

/** Every version in this file's registry, with its tags, in one paged search. */
async function allVersions(): Promise<ModelVersion[]> {
  const api = mlflowApi(mlflow.url);
  const found: ModelVersion[] = [];
  let token: string | undefined;
  do {
    const query = `max_results=200${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
    const page = await api.call<{ model_versions?: ModelVersion[]; next_page_token?: string }>(
      'GET',
      `model-versions/search?${query}`,
    );
    found.push(...(page.model_versions ?? []));
    token = page.next_page_token;
  } while (token);
  return found;
}

/**
 * Waits until Baton has recorded a validation for every version. It polls Baton's table, not
 * MLflow: a search over every version and its tags would cost MLflow's one worker more than the
 * burst does. The verdict is Baton's last registry write before it stores the audit entry. It
 * counts only while the promotion queue is empty: a count is one Query per model, and the
 * emulator walks the whole table for every Query, so counting every few seconds through the burst
 * took more of the emulator than the burst itself.
 */
async function everyVersionValidated(refs: VersionRef[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lost = refs.length;
  for (;;) {
    if ((await messagesInPromotionQueue()) === 0) {
      ({ lost } = await validationTally(store, refs));
      if (lost === 0) return;
    }
    if (Date.now() > deadline) throw new Error(`${lost} of ${refs.length} versions have no validation`);
    await new Promise((r) => setTimeout(r, 3000));
  }
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

/** The distinct versions the tick's reconciler enqueued, as `model vN`. */
function sweptVersions(): Set<string> {
  const swept = new Set<string>();
  for (const line of logs.filter((l) => l.includes('[tick]') && l.includes('reconciler enqueued'))) {
    const entry = JSON.parse(line.slice(line.indexOf('{'))) as { versions: string[] };
    for (const v of entry.versions) swept.add(v);
  }
  return swept;
}

describe('a burst of 1,000 versions across many models, MLflow SIGKILLed twice and the worker again and again', () => {
  it('validates every version in the registry exactly once', async () => {
    // Prepare: the models and two finished runs, one passing the policy and one failing it.
    const api = mlflowApi(mlflow.url);
    const models = Array.from({ length: modelCount }, (_, i) => uniqueName(`val-burst-${i}`));
    for (const model of models) await api.ensureRegisteredModel(model);
    const runs = {
      pass: await api.createRun('baton-chaos-burst', { val_auc: 0.9 }),
      fail: await api.createRun('baton-chaos-burst', { val_auc: 0.7 }),
    };
    // Round-robin over the models; every fourth registration comes from the failing run.
    const plan = Array.from({ length: modelCount * versionsPerModel }, (_, i) => ({
      model: models[i % modelCount]!,
      runId: i % 4 === 3 ? runs.fail : runs.pass,
    }));

    // Act: register them all, a few at a time; halfway through, SIGKILL MLflow and start it again.
    const startedAt = Date.now();
    const outage = { downAt: 0, upAt: 0, restarts: 0 };
    let returned = 0;
    let retried = 0;
    let restart: Promise<void> | undefined;
    const pending = plan.values();
    const registrar = async () => {
      for (const { model, runId } of pending) {
        const { retries } = await untilMlflowTakes(() =>
          api.createModelVersion(model, runId, { description: 'burst', tags: { git_sha: 'b0r57' } }),
        );
        retried += retries;
        returned += 1;
        if (killAfter.includes(returned)) {
          const previous = restart;
          restart = (async () => {
            await previous;
            outage.downAt = Date.now();
            outage.restarts += 1;
            mlflow.kill();
            // The outage itself: MLflow stays dead this long before its restart.
            await new Promise((r) => setTimeout(r, deadMs));
            mlflow = await startOwnMlflow();
            outage.upAt = Date.now();
          })();
        }
      }
    };
    const worker = stack.runtime.invokers.get('WorkerLambdaFunction')!;
    let workerKills = 0;
    const killer = setInterval(() => {
      worker.kill();
      workerKills += 1;
    }, workerKillEveryMs);
    await Promise.all(Array.from({ length: concurrentRegistrations }, registrar)).finally(() =>
      clearInterval(killer),
    );
    await restart;
    const registeredMs = Date.now() - startedAt;

    // Assess: the registry is the truth (a registration cut off by the kill may still have been
    // stored, and its retry stored again): every version in it must be validated exactly once.
    const registered = await allVersions();
    const refs: VersionRef[] = registered.map((v) => ({ model: v.name, version: v.version }));
    await everyVersionValidated(refs, 2_400_000);
    const convergedMs = Date.now() - startedAt;
    // The reconciler's late sweeps and the redeliveries land before counting: the queue stays empty beyond a tick.
    await quiet(messagesInPromotionQueue, { spanMs: 25_000, timeoutMs: 300_000 });
    const { lost, duplicated } = await validationTally(store, refs);
    const expected = (v: ModelVersion) => (v.run_id === runs.pass ? 'PASSED' : 'FAILED');
    const verdicts = (await allVersions()).map((v) => ({
      version: `${v.name} v${v.version}`,
      verdict: tagsOf(v).validation_status,
      expected: expected(v),
    }));
    const workerRetries = logs.filter((l) => l.includes('promotion event failed; will retry')).length;
    console.log(
      `chaos: burst of ${plan.length} versions across ${modelCount} models, MLflow SIGKILLed after ${killAfter.join(' and ')} ` +
        `(${outage.restarts} restarts, the last down ${((outage.upAt - outage.downAt) / 1000).toFixed(1)} s), ` +
        `worker SIGKILLed ${workerKills} times — events sent ${registered.length} ` +
        `(${retried} registrations retried), verdicts seen ${verdicts.filter((v) => v.verdict).length}, ` +
        `worker retries ${workerRetries}, swept by the reconciler ${sweptVersions().size}, ` +
        `registered in ${(registeredMs / 1000).toFixed(0)} s, all validated after ${(convergedMs / 1000).toFixed(0)} s, ` +
        `lost ${lost}, duplicated ${duplicated}`,
    );

    expect(outage.restarts).toBe(2);
    expect(outage.upAt).toBeGreaterThan(outage.downAt);
    expect(workerKills).toBeGreaterThan(0);
    expect(registered.length).toBeGreaterThanOrEqual(plan.length);
    expect(verdicts.filter((v) => v.verdict !== v.expected)).toEqual([]);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  }, 3_000_000);
});
