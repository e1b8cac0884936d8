/**
 * Monitoring alerts end to end: the real MLflow server, the emulator's SNS, SQS, DynamoDB,
 * SageMaker, and Baton's functions in the local runtime. A CloudWatch alarm published on the
 * alerts topic, or an Alertmanager webhook, rolls a hurting champion back to the archive
 * version (alias and endpoint traffic); repeats act once; drift alerts start one retraining job
 * whose signed body the receiving server verifies.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSlackMessage } from '../../lib/adapters/notify/slackBlocks';
import { verifyRetrainSignature } from '../../lib/adapters/retrain/httpRetrain';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig, localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { type TestSageMaker, testSageMaker } from '../support/awsCalls';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { promotionQueueDrained } from '../support/queueWaits';
import { startReceiver } from '../support/receiver';
import { eventually, settledPhase, tagsOf } from '../support/registryWaits';

let stack: LocalStack;
let api: ReturnType<typeof mlflowApi>;
let store: DynamoPromotionStore;
let probe: Awaited<ReturnType<typeof notificationProbe>>;
let sagemaker: TestSageMaker;
let sns: SNSClient;
let retrainer: Awaited<ReturnType<typeof startReceiver>>;
const model = uniqueName('alrt-fraud');
const endpoint = 'alrt-prod';

beforeAll(async () => {
  retrainer = await startReceiver();
  // The policy names the retraining receiver, whose port is known only now.
  const policies = mkdtempSync(join(tmpdir(), 'baton-alert-policies-'));
  writeFileSync(
    join(policies, 'alerts.yaml'),
    `model: alrt-*
checks:
  runStatus: [FINISHED]
approval:
  required: false
rollout:
  endpoint: { kind: sagemaker, name: ${endpoint}, image: 000000000000.dkr.ecr.x.amazonaws.com/a:1, executionRoleArn: arn:aws:iam::000000000000:role/a }
  steps: [100]
  bakeTime: 1s
  # The default deadline (3 × steps × bakeTime = 3 s) is shorter than a first rollout takes on a
  # busy machine; this file is about alerts, not deadlines.
  deadline: 3m
onAlert:
  - { match: { alarm: "${endpoint}-*" }, action: rollback }
  - { match: { labels: { alertname: HighErrorRate, endpoint: ${endpoint} } }, action: rollback }
  - { match: { labels: { alertname: FeatureDrift } }, action: retrain }
retrain:
  target: { kind: http, url: "${retrainer.url}/hooks/retrain" }
  cooldown: 6h
`,
  );
  stack = await testStack('ap-southeast-1', { scheduleSeconds: 1, env: { POLICIES_DIR: policies } });
  api = mlflowApi(stack.mlflowUrl);
  store = testStore(stack);
  probe = await notificationProbe(stack);
  sns = new SNSClient(awsClientConfig(stack.aws));
  sagemaker = testSageMaker({
    region: stack.aws.region,
    credentials: localCredentials,
    env: { AWS_ENDPOINT_URL: stack.aws.endpoint },
  });
  await api.ensureRegisteredModel(model);
});
afterAll(async () => {
  sns?.destroy();
  await stack?.stop();
  await retrainer?.close();
});

async function liveWeights(): Promise<Record<string, number>> {
  const described = await sagemaker.call<{
    ProductionVariants?: Array<{ VariantName: string; CurrentWeight?: number }>;
  }>('DescribeEndpoint', { EndpointName: endpoint });
  const variants = described.ProductionVariants ?? [];
  const total = variants.reduce((sum, v) => sum + (v.CurrentWeight ?? 0), 0);
  return Object.fromEntries(
    variants
      .filter((v) => (v.CurrentWeight ?? 0) > 0)
      .map((v) => [v.VariantName.replace(/^v/, ''), Math.round(((v.CurrentWeight ?? 0) / total) * 100)]),
  );
}

async function championIs(version: string) {
  await eventually(
    async () => {
      const v = await api.getModelVersion(model, version);
      return v.aliases?.includes('champion') && (await liveWeights())[version] === 100 ? true : undefined;
    },
    60_000,
    `v${version} champion and serving alone`,
  );
}

async function promoteNew(): Promise<string> {
  const runId = await api.createRun('baton-alert-tests', { val_auc: 0.9 });
  const { version } = await api.createModelVersion(model, runId, { description: 'candidate' });
  await championIs(version);
  await settledPhase(store, model, version, ['promoted'], 10_000);
  return version;
}

function alarmMessage(name: string, state: 'ALARM' | 'OK', at: string) {
  return JSON.stringify({
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:${stack.aws.region}:${stack.aws.accountId}:alarm:${name}`,
    NewStateValue: state,
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    NewStateReason: 'Threshold Crossed: 12 5xx in 1 minute',
    StateChangeTime: at,
    Region: 'test',
    Trigger: { MetricName: 'Invocation5XXErrors', Dimensions: [{ name: 'EndpointName', value: endpoint }] },
  });
}

function alertmanager(alerts: object[], token = stack.secrets.alertWebhookToken) {
  return fetch(`${stack.ingressUrl}/alerts/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      version: '4',
      groupKey: '{}:{alertname="HighErrorRate"}',
      status: 'firing',
      receiver: 'baton',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://alertmanager.test',
      truncatedAlerts: 0,
      alerts,
    }),
  });
}

function amAlert(labels: Record<string, string>, fingerprint: string, startsAt: string, status = 'firing') {
  return {
    status,
    labels,
    annotations: { summary: `${labels.alertname} on ${labels.endpoint ?? 'the model'}` },
    startsAt,
    endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.test/graph',
    fingerprint,
  };
}

async function rollbacksOf(version: string) {
  return (await store.listAudit(model)).filter(
    (a) => a.version === version && a.kind === 'rollback.completed',
  );
}

/** The rollback's audit entry is stored with the state; its registry writes are done once the record holds no work. */
async function rollbackRecorded(version: string) {
  await settledPhase(store, model, version, ['rolled_back'], 10_000);
  return rollbacksOf(version);
}

describe('alerts roll a hurting champion back', () => {
  let v1: string;

  it('rolls back to the archive version on a CloudWatch alarm published on the alerts topic', async () => {
    v1 = await promoteNew();
    const v2 = await promoteNew();
    expect((await api.getModelVersion(model, v1)).aliases).toEqual(['archive']);

    await sns.send(
      new PublishCommand({
        TopicArn: stack.resources.resolveString({ Ref: 'AlertsTopic' }),
        Message: alarmMessage(`${endpoint}-5xx`, 'ALARM', new Date().toISOString()),
      }),
    );

    await championIs(v1);
    expect(await liveWeights()).toEqual({ [v1]: 100 });
    const [rollback] = await rollbackRecorded(v2);
    const demoted = tagsOf(await api.getModelVersion(model, v2));
    expect(demoted['baton.phase']).toBe('rolled_back');
    expect(demoted['baton.rollback_alert']).toBe(`cloudwatch:${endpoint}-5xx`);
    expect(demoted['baton.rollback_reason']).toContain('Threshold Crossed');
    expect(rollback?.evidence).toMatchObject({ from: v2, to: v1 });
    const notice = await probe.find(
      (n) => n.kind === 'rollback.completed' && n.model === model && n.version === v2,
    );
    expect(notice).toMatchObject({ to: v1, alert: { name: `${endpoint}-5xx`, source: 'cloudwatch' } });
    // What the approvers read in Slack: from → to, and the alarm with its evidence.
    const text = JSON.stringify(renderSlackMessage(notice));
    expect(text).toContain(`v${v2} → v${v1}`);
    expect(text).toContain(`${endpoint}-5xx`);
    expect(text).toContain('Threshold Crossed');
  });

  it('rolls back on an Alertmanager webhook with several alerts, of which one matches', async () => {
    const v3 = await promoteNew();
    const now = new Date().toISOString();
    const response = await alertmanager([
      amAlert({ alertname: 'DiskFull', instance: 'db-1' }, 'aaaa000000000001', now),
      amAlert({ alertname: 'HighErrorRate', endpoint }, 'aaaa000000000002', now),
      amAlert({ alertname: 'HighErrorRate', endpoint: 'other-endpoint' }, 'aaaa000000000003', now),
    ]);
    expect(response.status).toBe(202);
    await championIs(v1);
    // The demoted version's tags follow the alias and the traffic.
    const tags = await eventually(
      async () => {
        const t = tagsOf(await api.getModelVersion(model, v3));
        // The tags are written together but land one by one: wait for the ones asserted below.
        return t['baton.phase'] === 'rolled_back' && t['baton.rollback_alert'] !== undefined ? t : undefined;
      },
      10_000,
      'v3 tagged',
    );
    expect(tags['baton.rollback_alert']).toBe('alertmanager:HighErrorRate');
    expect(await rollbackRecorded(v3)).toHaveLength(1);
  });

  it('acts once on 20 identical firing notifications and a resolved one', async () => {
    const v4 = await promoteNew();
    const startsAt = new Date().toISOString();
    const firing = amAlert({ alertname: 'HighErrorRate', endpoint }, 'bbbb000000000001', startsAt);
    const responses = await Promise.all(Array.from({ length: 20 }, () => alertmanager([firing])));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202));
    expect(
      (await alertmanager([{ ...firing, status: 'resolved', endsAt: new Date().toISOString() }])).status,
    ).toBe(202);

    await championIs(v1);
    // Every repeat handled before counting.
    await promotionQueueDrained(stack);
    expect(await rollbackRecorded(v4)).toHaveLength(1);
    expect((await api.getModelVersion(model, v1)).aliases).toContain('champion');
    const champions = (await store.listAudit(model)).filter((a) => a.kind === 'rollback.completed');
    expect(champions.filter((a) => a.version === v1)).toHaveLength(0);
  });

  it('starts one retraining job for 10 drift alerts within the cooldown, with a body the receiver can verify', async () => {
    const base = Date.now();
    for (let i = 0; i < 10; i++) {
      const alert = amAlert(
        { alertname: 'FeatureDrift', feature: `f${i}`, model },
        `cccc00000000000${i}`,
        new Date(base + i).toISOString(),
      );
      expect((await alertmanager([alert])).status).toBe(202);
    }
    const calls = await eventually(
      async () => {
        const got = retrainer.received.filter((r) => r.path === '/hooks/retrain');
        return got.length > 0 ? got : undefined;
      },
      30_000,
      'the retraining call',
    );
    await eventually(
      async () =>
        (await store.listAudit(model)).filter((a) => a.kind === 'retrain.skipped').length >= 9
          ? true
          : undefined,
      30_000,
      'the other nine drift alerts judged',
    );
    expect(retrainer.received.filter((r) => r.path === '/hooks/retrain')).toHaveLength(1);
    const [call] = calls;
    const verdict = verifyRetrainSignature(
      stack.secrets.retrainSigningKey,
      String(call!.headers['x-baton-timestamp']),
      call!.body,
      String(call!.headers['x-baton-signature']),
      Math.floor(Date.now() / 1000),
    );
    expect(verdict).toEqual({ status: 'valid' });
    expect(JSON.parse(call!.body)).toMatchObject({ model, reason: expect.stringContaining('FeatureDrift') });
  });

  it('answers unauthenticated and malformed alert requests with a JSON error and changes nothing', async () => {
    const before = (await store.listAudit(model)).length;
    const unauthenticated = await alertmanager(
      [amAlert({ alertname: 'HighErrorRate', endpoint }, 'dddd', new Date().toISOString())],
      'wrong',
    );
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: expect.any(String) });
    const malformed = await fetch(`${stack.ingressUrl}/alerts/alertmanager`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${stack.secrets.alertWebhookToken}`,
      },
      body: '{"version":"3","alerts":[]}',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: expect.any(String) });
    await promotionQueueDrained(stack);
    expect((await store.listAudit(model)).length).toBe(before);
  });
});
