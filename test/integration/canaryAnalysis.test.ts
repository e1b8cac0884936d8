/**
 * The canary analysis end to end: the real MLflow server, the emulator's SageMaker endpoint and
 * CloudWatch, Baton's functions in the local runtime with the tick every second. A traffic source
 * publishes each variant's Invocations and errors (and the team's accuracy) with PutMetricData,
 * as SageMaker and the team would; the worker reads them back with GetMetricData before each step.
 */
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisVerdict } from '../../events/analysisVerdict';
import { SqsEventQueue } from '../../lib/adapters/queue/sqsEventQueue';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig, localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { type TestCloudWatch, testCloudWatch } from '../support/awsCalls';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { settledPhase } from '../support/registryWaits';

let stack: LocalStack;
let api: ReturnType<typeof mlflowApi>;
let store: DynamoPromotionStore;
let probe: Awaited<ReturnType<typeof notificationProbe>>;
let cloudwatch: TestCloudWatch;
let queue: SqsEventQueue;
const errModel = uniqueName('ana-err-fraud');
const qualModel = uniqueName('ana-qual-fraud');
/** Each case judges several canary steps of a few seconds: more than the default minute on a busy machine. */
const caseTimeout = 120_000;

beforeAll(async () => {
  stack = await testStack('us-east-1', {
    scheduleSeconds: 1,
    env: { POLICIES_DIR: resolve('test/fixtures/analysis-policies') },
  });
  api = mlflowApi(stack.mlflowUrl);
  store = testStore(stack);
  probe = await notificationProbe(stack);
  cloudwatch = testCloudWatch({
    region: stack.aws.region,
    credentials: localCredentials,
    env: { AWS_ENDPOINT_URL: stack.aws.endpoint },
  });
  queue = new SqsEventQueue(
    new SQSClient(awsClientConfig(stack.aws)),
    stack.resources.resolveString({ Ref: 'PromotionQueue' }),
  );
  await api.ensureRegisteredModel(errModel);
  await api.ensureRegisteredModel(qualModel);
});
afterAll(async () => {
  await stack?.stop();
});

/** What one variant serves every quarter second: invocations, 5XX errors, and the team's accuracy. */
interface Traffic {
  calls: number;
  errors: number;
  accuracy?: number;
}

/**
 * Publishes each variant's metrics every 250 ms until stopped, as SageMaker (AWS/SageMaker, per
 * EndpointName and VariantName) and the team (Baton/Quality) would while the endpoint serves.
 */
function serve(endpoint: string, variants: Record<string, Traffic>) {
  let running = true;
  const dims = (version: string) => [
    { Name: 'EndpointName', Value: endpoint },
    { Name: 'VariantName', Value: `v${version}` },
  ];
  const loop = (async () => {
    while (running) {
      const at = new Date();
      const entries = Object.entries(variants);
      await cloudwatch.call('PutMetricData', {
        Namespace: 'AWS/SageMaker',
        MetricData: entries.flatMap(([version, t]) => [
          { MetricName: 'Invocations', Dimensions: dims(version), Value: t.calls, Timestamp: at },
          { MetricName: 'Invocation5XXErrors', Dimensions: dims(version), Value: t.errors, Timestamp: at },
          { MetricName: 'Invocation4XXErrors', Dimensions: dims(version), Value: 0, Timestamp: at },
        ]),
      });
      const quality = entries.filter(([, t]) => t.accuracy !== undefined);
      if (quality.length > 0) {
        await cloudwatch.call('PutMetricData', {
          Namespace: 'Baton/Quality',
          MetricData: quality.map(([version, t]) => ({
            MetricName: 'accuracy',
            Dimensions: dims(version),
            Value: t.accuracy,
            Timestamp: at,
          })),
        });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function registerAwaitingApproval(model: string): Promise<string> {
  const runId = await api.createRun('baton-analysis-tests', { val_auc: 0.93 });
  const created = await api.createModelVersion(model, runId, { description: 'candidate' });
  await probe.find(
    (n) => n.kind === 'approval.requested' && n.model === model && n.version === created.version,
  );
  return created.version;
}

function approve(model: string, version: string) {
  return queue.enqueue({
    type: 'decision',
    model,
    version,
    decision: 'approve',
    actor: 'U0APPROVER',
    via: 'cli',
    deliveryId: `test:${model}:${version}:${Date.now()}`,
    receivedAt: new Date().toISOString(),
  });
}

async function phaseIs(model: string, version: string, phase: string) {
  await settledPhase(store, model, version, [phase], 60_000);
}

async function verdicts(model: string, version: string) {
  return (await store.listAudit(model))
    .filter((a) => a.version === version && a.kind === 'rollout.analysis')
    .map((a) => ({ ...(a.evidence.analysis as AnalysisVerdict), extended: a.evidence.extended }));
}

async function kinds(model: string, version: string) {
  return (await store.listAudit(model)).filter((a) => a.version === version).map((a) => a.kind);
}

/** Promotes the first version of `model` on healthy traffic (it has no champion to compare with). */
async function firstChampion(model: string, endpoint: string, traffic: Traffic): Promise<string> {
  const v1 = await registerAwaitingApproval(model);
  const source = serve(endpoint, { [v1]: traffic });
  await approve(model, v1);
  await phaseIs(model, v1, 'promoted');
  await source.stop();
  return v1;
}

describe('canary analysis of the challenger against the champion', () => {
  let champion: string;

  it(
    'advances a challenger equal to the champion to promotion, each step judged and recorded',
    async () => {
      champion = await firstChampion(errModel, 'ana-err-prod', { calls: 200, errors: 2 });
      const v2 = await registerAwaitingApproval(errModel);
      const source = serve('ana-err-prod', {
        [champion]: { calls: 200, errors: 2 },
        [v2]: { calls: 200, errors: 2 },
      });

      await approve(errModel, v2);
      await phaseIs(errModel, v2, 'promoted');
      await source.stop();

      const judged = await verdicts(errModel, v2);
      expect(judged.map((v) => [v.step, v.outcome])).toEqual([
        [1, 'pass'],
        [2, 'pass'],
        [3, 'pass'],
      ]);
      expect(judged[0]!.rules[0]).toMatchObject({
        metric: 'error_rate',
        outcome: 'pass',
        challenger: 0.01,
        champion: 0.01,
      });
      expect((await api.getModelVersion(errModel, v2)).aliases).toContain('champion');
      champion = v2;
    },
    caseTimeout,
  );

  it(
    'aborts a challenger with a clearly higher error rate at the first step, with the numbers in the audit',
    async () => {
      const v3 = await registerAwaitingApproval(errModel);
      const source = serve('ana-err-prod', {
        [champion]: { calls: 200, errors: 2 },
        [v3]: { calls: 200, errors: 20 },
      });

      await approve(errModel, v3);
      const aborted = await probe.find(
        (n) => n.kind === 'rollout.aborted' && n.model === errModel && n.version === v3,
      );
      await source.stop();

      expect((aborted as { reason: string }).reason).toMatch(
        /^canary analysis failed at step 1: error_rate 0\.1 \(\d+\/\d+\) vs champion 0\.01 \(\d+\/\d+\) exceeds \+0\.005; two-proportion z-test p = .+ < 0\.05$/,
      );
      const [verdict] = await verdicts(errModel, v3);
      expect(verdict).toMatchObject({ step: 1, outcome: 'fail', source: 'cloudwatch' });
      expect(verdict!.rules[0]).toMatchObject({
        metric: 'error_rate',
        outcome: 'fail',
        test: 'two_proportion',
        threshold: '+0.005',
        challenger: 0.1,
        champion: 0.01,
      });
      expect(verdict!.rules[0]!.samples.challenger).toBeGreaterThanOrEqual(500);
      expect(verdict!.rules[0]!.pValue).toBeLessThan(0.05);
      // Only the first step was entered: the abort came at its check.
      expect((await kinds(errModel, v3)).filter((k) => k === 'rollout.step')).toHaveLength(1);
      expect((await store.getVersion(errModel, v3))?.phase).toBe('aborted');
    },
    caseTimeout,
  );

  it(
    'extends the bake while the challenger has too few invocations, then pauses and asks (never passes)',
    async () => {
      const v4 = await registerAwaitingApproval(errModel);
      const source = serve('ana-err-prod', {
        [champion]: { calls: 200, errors: 2 },
        [v4]: { calls: 1, errors: 0 },
      });

      await approve(errModel, v4);
      const paused = await probe.find(
        (n) => n.kind === 'rollout.paused' && n.model === errModel && n.version === v4,
      );
      await source.stop();

      expect((paused as { reason: string }).reason).toMatch(
        /^canary analysis inconclusive at step 1 after 1 extended bakes: too few samples: \d+ invocations of the challenger, 500 needed$/,
      );
      const judged = await verdicts(errModel, v4);
      expect(judged.map((v) => [v.outcome, v.extended])).toEqual([
        ['inconclusive', '1 of 1'],
        ['inconclusive', undefined],
      ]);
      const state = await store.getVersion(errModel, v4);
      expect(state).toMatchObject({ phase: 'rolling_out', rollout: { step: 0, paused: { by: 'baton' } } });
      expect((await kinds(errModel, v4)).filter((k) => k === 'rollout.step')).toHaveLength(1);
    },
    caseTimeout,
  );
});

describe('a quality floor in the canary analysis', () => {
  it(
    'aborts a challenger whose published accuracy is below the floor',
    async () => {
      const v1 = await firstChampion(qualModel, 'ana-qual-prod', { calls: 200, errors: 2, accuracy: 0.95 });
      const v2 = await registerAwaitingApproval(qualModel);
      const source = serve('ana-qual-prod', {
        [v1]: { calls: 200, errors: 2, accuracy: 0.95 },
        [v2]: { calls: 200, errors: 2, accuracy: 0.8 },
      });

      await approve(qualModel, v2);
      const aborted = await probe.find(
        (n) => n.kind === 'rollout.aborted' && n.model === qualModel && n.version === v2,
      );
      await source.stop();

      expect((aborted as { reason: string }).reason).toBe(
        'canary analysis failed at step 1: quality/accuracy mean 0.8 < min 0.9',
      );
      const [verdict] = await verdicts(qualModel, v2);
      expect(verdict!.rules.map((r) => [r.metric, r.outcome])).toEqual([
        ['error_rate', 'pass'],
        ['quality/accuracy', 'fail'],
      ]);
      expect((await api.getModelVersion(qualModel, v1)).aliases).toContain('champion');
    },
    caseTimeout,
  );
});
