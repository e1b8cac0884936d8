/**
 * MLflow stopped while Baton is processing new versions: the worker's messages fail and are
 * retried, and once MLflow is back (same port, same database) every version converges to its
 * verdict, with exactly one validation recorded and announced per version. This file runs an
 * MLflow server of its own, since stopping the shared one would break every other file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { freePort } from '../../local/ports';
import { ensurePythonEnv } from '../../local/pythonEnv';
import { awsClientConfig } from '../../local/resources';
import { type Service, startMlflow } from '../../local/services';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { testStore, uniqueName } from '../support/localStack';
import { eventually, tagsOf } from '../support/registryWaits';
import { mlflowHeaders, mlflowPayload } from '../support/signing';

const passing = { val_auc: 0.91, val_logloss: 0.3 };
const failing = { val_auc: 0.7 };
/** MLflow stays down at least this long; its restart adds another 6–15 s of downtime. */
const minimumOutageMs = 3_000;

interface Candidate {
  model: string;
  version: string;
  expected: 'PASSED' | 'FAILED';
}

const logs: string[] = [];
const python = ensurePythonEnv({ stateDir: inject('stateDir') });
let mlflowDir: string;
let mlflowPort: number;
let mlflow: Service;
let stack: LocalStack;
let store: DynamoPromotionStore;
let sqs: SQSClient;
let candidates: Candidate[];
/** Indexes into `logs`: when MLflow was stopped, and when it answered again. */
let stoppedLine: number;
let restartedLine: number;
let timings: { downMs: number; restartMs: number; restartedAt: number; convergedMs?: number };

const startOwnMlflow = () =>
  startMlflow({ python, stateDir: mlflowDir, port: mlflowPort, webhookCacheTtlSeconds: 0 });
const queueUrl = (id: string) => stack.resources.resolveString({ Ref: id });
const logsBetween = (from: number, to: number, ...texts: string[]) =>
  logs.slice(from, to).filter((line) => texts.every((t) => line.includes(t)));

function dumpLogs() {
  console.log(`--- Baton logs ---\n${logs.join('\n')}`);
  const tail = readFileSync(mlflow.logFile, 'utf8').split('\n').slice(-40).join('\n');
  console.log(`--- MLflow log (tail) ---\n${tail}`);
}

/** Registers every planned version with the required tag and a description; returns them in order. */
async function registerVersions(plan: Array<{ model: string; metrics: Array<Record<string, number>> }>) {
  const api = mlflowApi(mlflow.url);
  // One after another: mlflowApi's get-or-create of the experiment is not safe in parallel.
  const runs: string[][] = [];
  for (const { model, metrics } of plan) {
    await api.ensureRegisteredModel(model);
    const ids: string[] = [];
    for (const m of metrics) ids.push(await api.createRun('baton-outage-tests', m));
    runs.push(ids);
  }
  // The creates themselves back to back, so MLflow stops while Baton is still working on them.
  const created = await Promise.all(
    plan.map(async ({ model, metrics }, i) => {
      const versions: Candidate[] = [];
      for (const [j, m] of metrics.entries()) {
        const { version } = await api.createModelVersion(model, runs[i]![j]!, {
          description: 'candidate',
          tags: { git_sha: 'abc123' },
        });
        versions.push({ model, version, expected: m === passing ? 'PASSED' : 'FAILED' });
      }
      return versions;
    }),
  );
  return created.flat();
}

/** Plays MLflow: a signed model_version.created for each version, straight to the ingress. */
async function deliverCreatedEvents(versions: Candidate[]) {
  for (const c of versions) {
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
    if (response.status !== 202)
      throw new Error(`ingress answered ${response.status}: ${await response.text()}`);
  }
}

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
    // A short reconciler grace period: dead-lettered versions are swept again within seconds.
    env: { POLICIES_DIR: resolve('test/fixtures/policies'), RECONCILER_MIN_AGE_SECONDS: '5' },
    scheduleSeconds: 2,
    retryDelaySeconds: 1,
    log: (line) => logs.push(`${new Date().toISOString()} ${line}`),
  });
  const config = awsClientConfig(stack.aws);
  store = testStore(stack);
  sqs = new SQSClient(config);

  try {
    // Prepare: six val-* versions over three models, two of them failing the policy's val_auc ≥ 0.8.
    candidates = await registerVersions([
      { model: uniqueName('val-outage-a'), metrics: [passing, failing, passing] },
      { model: uniqueName('val-outage-b'), metrics: [failing, passing] },
      { model: uniqueName('val-outage-c'), metrics: [passing] },
    ]);

    // Act: stop MLflow as soon as the creates return. Its own webhooks may be lost in the stop,
    // so deliver model_version.created for every version while it is down: the worker is then
    // sure to meet the dead registry for each version it has not finished.
    const stoppedAt = Date.now();
    await mlflow.stop();
    stoppedLine = logs.length;
    await deliverCreatedEvents(candidates);
    await eventually(
      async () =>
        logsBetween(stoppedLine, logs.length, 'promotion event stored; the rest waits for the tick').length
          ? true
          : undefined,
      10_000,
      'a promotion event kept for the tick while MLflow is down',
    );
    await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + minimumOutageMs - Date.now())));
    const restartAt = Date.now();
    mlflow = await startOwnMlflow();
    restartedLine = logs.length;
    timings = { downMs: Date.now() - stoppedAt, restartMs: Date.now() - restartAt, restartedAt: Date.now() };
  } catch (error) {
    dumpLogs();
    throw error;
  }
});
afterAll(async () => {
  sqs?.destroy();
  // The stack removes its webhook from MLflow, so MLflow must still be up.
  await stack?.stop();
  await mlflow?.stop();
  if (mlflowDir) rmSync(mlflowDir, { recursive: true, force: true });
});
beforeEach(({ onTestFailed }) => onTestFailed(dumpLogs));

/** Every version's verdict in MLflow, once each has one (shared by the tests that need it). */
let verdicts: Promise<string[]> | undefined;
function convergedVerdicts(): Promise<string[]> {
  const api = mlflowApi(mlflow.url);
  verdicts ??= Promise.all(
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
  return verdicts;
}

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

/** Only the fields the DLQ check reads; any queue message has them or lacks them. */
type DeadLetter = { kind?: string; model?: string; version?: string };

/** Everything in the promotion DLQ (received with a long visibility timeout, so each comes once). */
async function deadLetters(): Promise<DeadLetter[]> {
  const found: DeadLetter[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl('PromotionDeadLetterQueue'),
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 120,
      }),
    );
    if (!Messages.length) return found;
    found.push(...Messages.map((m) => JSON.parse(m.Body!) as DeadLetter));
  }
}

describe('MLflow stopped while Baton is processing new versions', () => {
  it('keeps the events that meet the dead registry on their versions’ records, for the tick to retry', () => {
    // Intent before effects: a version whose facts cannot be read gets a record holding its event,
    // and the message is acknowledged instead of wearing out its receives.
    const kept = logsBetween(
      stoppedLine,
      restartedLine,
      'promotion event stored; the rest waits for the tick',
    );

    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((line) => line.includes('RegistryUnavailableError'))).toBe(true);
  });

  it('gives every version its verdict once MLflow is back', async () => {
    const statuses = await convergedVerdicts();
    timings.convergedMs ??= Date.now() - timings.restartedAt;

    expect(statuses).toEqual(candidates.map((c) => c.expected));
  });

  it('records exactly one validation and sends exactly one notification per version', async () => {
    await convergedVerdicts();
    // Let the retries, the swept duplicates and the tag echoes drain before counting.
    await eventually(
      async () => ((await messagesIn('PromotionQueue')) === 0 ? true : undefined),
      30_000,
      'an empty promotion queue',
    );

    const announcedOf = (c: (typeof candidates)[number]) =>
      logsBetween(
        0,
        logs.length,
        '[notifier]',
        `${c.model} v${c.version} ${c.expected === 'PASSED' ? 'passed' : 'failed'} validation`,
      );
    // The notices travel on after the queue drains (SNS, then the notifier): wait until each has arrived.
    await eventually(
      async () => (candidates.every((c) => announcedOf(c).length > 0) ? true : undefined),
      30_000,
      'every verdict announced',
    );

    for (const c of candidates) {
      const kind = c.expected === 'PASSED' ? 'validation.passed' : 'validation.failed';
      const audit = (await store.listAudit(c.model)).filter(
        (a) => a.version === c.version && a.kind.startsWith('validation.'),
      );
      const announced = announcedOf(c);
      expect(
        audit.map((a) => a.kind),
        `audit of ${c.model} v${c.version}`,
      ).toEqual([kind]);
      expect(announced, `notifications of ${c.model} v${c.version}`).toHaveLength(1);
    }
  });

  it("keeps verifying MLflow's webhooks after the restart (the secret survives with its key)", async () => {
    await convergedVerdicts();

    // Baton's challenger aliases come back as model_version_alias.created deliveries, signed by MLflow.
    const queued = logsBetween(
      restartedLine,
      logs.length,
      '[registryWebhook]',
      'model_version_alias.created',
    );

    expect(queued).not.toEqual([]);
  });

  it('dead-letters nothing: the events that met the outage waited on their records', async () => {
    const statuses = await convergedVerdicts();

    // With the local 1 s retry delay, eight receives take ~10–13 s, about as long as MLflow is down:
    // an event retried by the queue would be dead-lettered. Kept on its version's record and
    // acknowledged, it waits for the tick instead.
    const dead = await deadLetters();
    const failures = logsBetween(stoppedLine, logs.length, 'promotion event failed; will retry').length;
    console.info(
      `registry outage: MLflow down ${timings.downMs} ms (restart ${timings.restartMs} ms), ` +
        `verdicts ${timings.convergedMs} ms after it; ${failures} failed attempts; ${dead.length} dead-lettered`,
    );

    expect(dead).toEqual([]);
    expect(statuses).toEqual(candidates.map((c) => c.expected));
  });
});
