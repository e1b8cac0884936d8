/**
 * Canary rollouts end to end: the real MLflow server, the emulator's SageMaker endpoint and
 * CloudWatch alarm, Baton's functions in the local runtime with the tick every second. Weights
 * are read back with DescribeEndpoint, as an operator would.
 */
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import { SqsEventQueue } from '../../lib/adapters/queue/sqsEventQueue';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig, localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { type TestCloudWatch, type TestSageMaker, testCloudWatch, testSageMaker } from '../support/awsCalls';
import { runBatonCli } from '../support/batonCli';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { eventually, settledPhase, tagsOf } from '../support/registryWaits';

let stack: LocalStack;
let api: ReturnType<typeof mlflowApi>;
let store: DynamoPromotionStore;
let probe: Awaited<ReturnType<typeof notificationProbe>>;
let sagemaker: TestSageMaker;
let cloudwatch: TestCloudWatch;
let queue: SqsEventQueue;
const model = uniqueName('roll-fraud');
const endpoint = 'roll-prod';
const alarm = 'roll-prod-5xx';

beforeAll(async () => {
  stack = await testStack('eu-south-1', {
    scheduleSeconds: 1,
    env: { POLICIES_DIR: resolve('test/fixtures/rollout-policies') },
  });
  api = mlflowApi(stack.mlflowUrl);
  store = testStore(stack);
  probe = await notificationProbe(stack);
  const signing = {
    region: stack.aws.region,
    credentials: localCredentials,
    env: { AWS_ENDPOINT_URL: stack.aws.endpoint },
  };
  sagemaker = testSageMaker(signing);
  cloudwatch = testCloudWatch(signing);
  queue = new SqsEventQueue(
    new SQSClient(awsClientConfig(stack.aws)),
    stack.resources.resolveString({ Ref: 'PromotionQueue' }),
  );
  await cloudwatch.call('PutMetricAlarm', {
    AlarmName: alarm,
    MetricName: 'Invocation5XXErrors',
    Namespace: 'AWS/SageMaker',
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    Dimensions: [{ Name: 'EndpointName', Value: endpoint }],
  });
  await setAlarm('OK');
  await api.ensureRegisteredModel(model);
});
afterAll(async () => {
  await stack?.stop();
});

function setAlarm(state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA') {
  return cloudwatch.call('SetAlarmState', {
    AlarmName: alarm,
    StateValue: state,
    StateReason: `test sets ${state}`,
  });
}

/** What the endpoint serves, by version (variants are named v<version>), as DescribeEndpoint says. */
async function liveWeights(): Promise<Record<string, number>> {
  try {
    const described = await sagemaker.call<{
      ProductionVariants?: Array<{ VariantName: string; CurrentWeight?: number }>;
    }>('DescribeEndpoint', { EndpointName: endpoint });
    const variants = described.ProductionVariants ?? [];
    const total = variants.reduce((sum, v) => sum + (v.CurrentWeight ?? 0), 0);
    return Object.fromEntries(
      variants.map((v) => [
        v.VariantName.replace(/^v/, ''),
        Math.round(((v.CurrentWeight ?? 0) / total) * 100),
      ]),
    );
  } catch {
    return {};
  }
}

/** Samples the endpoint's weights until stopped; returns each distinct reading in order. */
function watchWeights() {
  const seen: Array<Record<string, number>> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const w = await liveWeights();
      if (JSON.stringify(w) !== JSON.stringify(seen.at(-1))) seen.push(w);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

async function registerAwaitingApproval(): Promise<string> {
  const runId = await api.createRun('baton-rollout-tests', { val_auc: 0.93 });
  const created = await api.createModelVersion(model, runId, { description: 'candidate' });
  await probe.find(
    (n) => n.kind === 'approval.requested' && n.model === model && n.version === created.version,
  );
  return created.version;
}

function approve(version: string) {
  return queue.enqueue({
    type: 'decision',
    model,
    version,
    decision: 'approve',
    actor: 'U0APPROVER',
    via: 'cli',
    deliveryId: `test:${version}:${Date.now()}`,
    receivedAt: new Date().toISOString(),
  });
}

async function championIs(version: string) {
  await eventually(
    async () =>
      (await api.getModelVersion(model, version)).aliases?.includes('champion') ? true : undefined,
    60_000,
    `champion on v${version}`,
  );
}

async function phaseOf(version: string) {
  return (await store.getVersion(model, version))?.phase;
}

function notification(kind: string, version: string): Promise<Notification> {
  return probe.find((n) => n.kind === kind && n.model === model && n.version === version);
}

describe('canary rollouts on a SageMaker endpoint', () => {
  it('gives the first version of a model the endpoint alone, then makes it champion', async () => {
    const v1 = await registerAwaitingApproval();
    await approve(v1);
    await championIs(v1);
    expect(await liveWeights()).toEqual({ [v1]: 100 });
    // The record is stored before its effects: settled once the aliases and tags are written.
    await settledPhase(store, model, v1, ['promoted'], 10_000);
  });

  it('moves traffic 90/10, 50/50, 0/100 in order, then promotes with the champion archived', async () => {
    const v1 = '1';
    const v2 = await registerAwaitingApproval();
    const watch = watchWeights();
    await approve(v2);
    await championIs(v2);
    await settledPhase(store, model, v2, ['promoted'], 10_000);
    // Readings with the challenger's variant in place (it joins at 0 % before the first step).
    const seen = (await watch.stop()).filter((w) => Object.keys(w).length === 2 && (w[v2] ?? 0) > 0);

    expect(seen).toEqual([
      { [v1]: 90, [v2]: 10 },
      { [v1]: 50, [v2]: 50 },
      { [v1]: 0, [v2]: 100 },
    ]);
    expect((await api.getModelVersion(model, v1)).aliases).toEqual(['archive']);
    expect((await api.getModelVersion(model, v2)).aliases).toEqual(['champion']);
    const trail = (await store.listAudit(model)).filter((a) => a.version === v2).map((a) => a.kind);
    expect(trail).toEqual([
      'validation.passed',
      'approval.requested',
      'approval.recorded',
      'rollout.started',
      'rollout.step',
      'rollout.step',
      'rollout.step',
      'rollout.completed',
      'promotion.completed',
    ]);
    const steps = (await store.listAudit(model)).filter((a) => a.version === v2 && a.kind === 'rollout.step');
    expect(steps.map((s) => s.evidence.weights)).toEqual([
      { [v1]: 90, [v2]: 10 },
      { [v1]: 50, [v2]: 50 },
      { [v1]: 0, [v2]: 100 },
    ]);
  });

  it('aborts when a watched alarm fires during a bake: champion back at 100 %, challenger tagged, people told', async () => {
    const champion = '2';
    const v3 = await registerAwaitingApproval();
    await approve(v3);
    await eventually(
      async () => ((await liveWeights())[v3] === 10 ? true : undefined),
      30_000,
      'step 1 live',
    );
    await setAlarm('ALARM');

    const aborted = await notification('rollout.aborted', v3);
    await setAlarm('OK');
    expect(aborted).toMatchObject({ endpoint, champion, by: 'baton' });
    expect((aborted as { reason: string }).reason).toContain(`alarm ${alarm} is ALARM`);
    expect(await liveWeights()).toMatchObject({ [champion]: 100, [v3]: 0 });
    const version = await api.getModelVersion(model, v3);
    expect(tagsOf(version)['baton.phase']).toBe('aborted');
    expect(tagsOf(version)['baton.abort_reason']).toContain(alarm);
    expect(version.aliases ?? []).not.toContain('challenger');
    expect((await api.getModelVersion(model, champion)).aliases).toContain('champion');
    expect(await phaseOf(v3)).toBe('aborted');
  });

  it('pauses on INSUFFICIENT_DATA and continues when an approver resumes with `baton rollout resume`', async () => {
    await setAlarm('INSUFFICIENT_DATA');
    const v4 = await registerAwaitingApproval();
    await approve(v4);

    const paused = await notification('rollout.paused', v4);
    expect((paused as { reason: string }).reason).toContain('INSUFFICIENT_DATA');
    expect((await store.getVersion(model, v4))?.rollout?.paused?.by).toBe('baton');
    expect(await liveWeights()).toMatchObject({ [v4]: 10 });

    await setAlarm('OK');
    const cli = await runBatonCli(stack, [
      'rollout',
      'resume',
      model,
      '--as',
      'U0APPROVER',
      '--reason',
      'traffic is low at night',
    ]);
    expect(cli.code).toBe(0);
    await championIs(v4);
    await settledPhase(store, model, v4, ['promoted'], 10_000);
    expect(await liveWeights()).toMatchObject({ [v4]: 100 });
    const kinds = (await store.listAudit(model)).filter((a) => a.version === v4).map((a) => a.kind);
    expect(kinds).toContain('rollout.paused');
    expect(kinds.filter((k) => k === 'rollout.step')).toHaveLength(3);
  });
});

describe('rolling back by hand', () => {
  it('`baton rollback` returns champion and traffic to the archive version, and tags the demoted one', async () => {
    const [champion, archive] = ['4', '2'];
    expect((await api.getModelVersion(model, archive)).aliases).toContain('archive');

    const cli = await runBatonCli(stack, [
      'rollback',
      model,
      '--as',
      'U0ONCALL',
      '--reason',
      'checkout errors since 14:03',
    ]);
    expect(cli.code).toBe(0);

    await championIs(archive);
    await settledPhase(store, model, champion, ['rolled_back'], 10_000);
    expect(await liveWeights()).toMatchObject({ [archive]: 100, [champion]: 0 });
    const tags = tagsOf(await api.getModelVersion(model, champion));
    expect(tags['baton.phase']).toBe('rolled_back');
    expect(tags['baton.rollback_reason']).toBe('checkout errors since 14:03');
    expect(tags['baton.rolled_back_by']).toBe('U0ONCALL');
    const [entry] = (await store.listAudit(model)).filter((a) => a.kind === 'rollback.completed');
    expect(entry).toMatchObject({
      version: champion,
      actor: 'U0ONCALL',
      evidence: { from: champion, to: archive },
    });
  });
});
