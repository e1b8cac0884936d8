/**
 * Compliance checks end to end on the real MLflow server and the emulator: a model version
 * registered through MLflow's REST API, MLflow's own webhook, Baton's ingress, queue and worker,
 * and the verdict written back to MLflow as tags and the challenger alias.
 */
import { resolve } from 'node:path';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { startReceiver } from '../support/receiver';
import { eventually, tagsOf } from '../support/registryWaits';
import { mlflowHeaders, mlflowPayload } from '../support/signing';

const policies = resolve('test/fixtures/policies');
let stack: LocalStack;
let api: ReturnType<typeof mlflowApi>;
let store: DynamoPromotionStore;
let probe: Awaited<ReturnType<typeof notificationProbe>>;
/** Stands in for an e-mail or other non-machine subscriber (SNS delivers over HTTP). */
let mailer: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  stack = await testStack('eu-west-3', { env: { POLICIES_DIR: policies } });
  api = mlflowApi(stack.mlflowUrl);
  const config = awsClientConfig(stack.aws);
  store = testStore(stack);
  probe = await notificationProbe(stack);
  mailer = await startReceiver();
  await new SNSClient(config).send(
    new SubscribeCommand({
      TopicArn: stack.resources.resolveString({ Ref: 'NotificationsTopic' }),
      Protocol: 'http',
      Endpoint: `${mailer.url}/sns`,
    }),
  );
});
afterAll(async () => {
  await stack?.stop();
  await mailer?.close();
});

async function notificationsFor(model: string) {
  return (await probe.drain()).filter((n) => n.model === model);
}

async function register(
  model: string,
  metrics: Record<string, number>,
  options: { tags?: Record<string, string>; description?: string } = {},
) {
  await api.ensureRegisteredModel(model);
  const runId = await api.createRun('baton-validation-tests', metrics);
  return api.createModelVersion(model, runId, {
    description: options.description ?? 'candidate',
    tags: options.tags ?? { git_sha: 'abc123' },
  });
}

async function verdict(model: string, version: string) {
  return eventually(
    async () => {
      const v = await api.getModelVersion(model, version);
      const status = tagsOf(v).validation_status;
      return status === 'PASSED' || status === 'FAILED' ? v : undefined;
    },
    30_000,
    `a verdict on ${model} v${version}`,
  );
}

describe('a new model version gets its verdict in MLflow', () => {
  it('passes: validation_status=PASSED, one tag per check with its reason, and the challenger alias', async () => {
    const model = uniqueName('val-pass');

    const created = await register(model, { val_auc: 0.91, val_logloss: 0.31 });
    const version = await verdict(model, created.version);

    expect(tagsOf(version)).toMatchObject({
      validation_status: 'PASSED',
      'baton.phase': 'validated',
      'baton.check.tag.git_sha': 'PASS: tag git_sha is set',
      'baton.check.description': 'PASS: has a description',
      'baton.check.run_status': 'PASS: run status FINISHED',
      'baton.check.metric.val_auc': 'PASS: val_auc 0.91 ≥ 0.8',
      'baton.check.baseline.val_auc': 'PASS: val_auc 0.91 ≥ 0.75 (baseline: no champion yet)',
    });
    expect(version.aliases).toEqual(['challenger']);
  });

  it('fails: validation_status=FAILED with the reasons, and no alias', async () => {
    const model = uniqueName('val-fail');

    const created = await register(model, { val_auc: 0.7, val_logloss: 0.5 }, { tags: {} });
    const version = await verdict(model, created.version);

    expect(tagsOf(version)).toMatchObject({
      validation_status: 'FAILED',
      'baton.phase': 'failed_validation',
      'baton.check.tag.git_sha': 'FAIL: required tag git_sha is missing',
      'baton.check.metric.val_auc': 'FAIL: val_auc 0.7 < 0.8',
      validation_reasons:
        'required tag git_sha is missing; val_auc 0.7 < 0.8; val_auc 0.7 < 0.75 (baseline: no champion yet)',
    });
    expect(version.aliases ?? []).toEqual([]);
  });

  it('compares a second version with the champion, using the tolerance', async () => {
    const model = uniqueName('val-champion');
    const first = await register(model, { val_auc: 0.9, val_logloss: 0.409 });
    await verdict(model, first.version);
    // A person made v1 the champion (promotion itself arrives with the approvals issue).
    await api.call('POST', 'registered-models/alias', {
      name: model,
      alias: 'champion',
      version: first.version,
    });

    const within = await verdict(
      model,
      (await register(model, { val_auc: 0.9, val_logloss: 0.412 })).version,
    );
    const beyond = await verdict(
      model,
      (await register(model, { val_auc: 0.9, val_logloss: 0.415 })).version,
    );

    expect(tagsOf(within)['baton.check.champion.val_logloss']).toBe(
      'PASS: val_logloss 0.412 ≤ champion 0.409 + 0.005',
    );
    expect(tagsOf(within).validation_status).toBe('PASSED');
    expect(tagsOf(beyond)['baton.check.champion.val_logloss']).toBe(
      'FAIL: val_logloss 0.415 > champion 0.409 + 0.005',
    );
    expect(tagsOf(beyond).validation_status).toBe('FAILED');
  });

  it('records a model no policy covers as unmanaged and leaves it alone', async () => {
    const model = uniqueName('nopolicy');

    const created = await register(model, { val_auc: 0.91 });
    const state = await eventually(() =>
      store.getVersion(model, created.version).then((s) => s ?? undefined),
    );

    expect(state.phase).toBe('unmanaged');
    expect(tagsOf(await api.getModelVersion(model, created.version))).not.toHaveProperty('validation_status');
  });
});

describe('the verdict notification', () => {
  it('reaches machine subscribers as JSON and the others as plain text', async () => {
    const model = uniqueName('val-notice');

    const created = await register(model, { val_auc: 0.7, val_logloss: 0.5 });
    await verdict(model, created.version);
    const [json] = await eventually(async () => {
      const found = await notificationsFor(model);
      return found.length ? found : undefined;
    });
    const text = await eventually(async () =>
      mailer.received
        .map((r) => JSON.parse(r.body) as { Type: string; Message: string })
        .find((m) => m.Type === 'Notification' && m.Message.startsWith(`${model} v${created.version}`)),
    );

    expect(json).toMatchObject({ kind: 'validation.failed', model, version: created.version });
    expect(text.Message.split('\n')[0]).toBe(
      `${model} v${created.version} failed validation: val_auc 0.7 < 0.8; val_auc 0.7 < 0.75 (baseline: no champion yet)`,
    );
  });
});

describe('the same event delivered again', () => {
  it('gives one validation, one audit entry and one notification, whatever the delivery ids', async () => {
    const model = uniqueName('val-dup');
    const created = await register(model, { val_auc: 0.91, val_logloss: 0.3 });
    const body = mlflowPayload('model_version', 'created', {
      name: model,
      version: created.version,
      source: 's',
    });
    const secret = stack.secrets.mlflowWebhookSecret;
    const post = (headers: Record<string, string>) =>
      fetch(`${stack.ingressUrl}/webhooks/mlflow`, { method: 'POST', headers, body });

    // The same delivery three times, then three new delivery ids for the same event.
    const same = mlflowHeaders(secret, body, new Date(), `dup-${created.version}-${model}`);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(same)).status);
    for (let i = 0; i < 3; i++) statuses.push((await post(mlflowHeaders(secret, body))).status);
    await verdict(model, created.version);
    // Give every queued duplicate time to reach the worker before counting.
    await new Promise((r) => setTimeout(r, 4000));

    const audit = await store.listAudit(model);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 202]);
    expect(audit.map((a) => `${a.kind} v${a.version}`)).toEqual([`validation.passed v${created.version}`]);
    expect((await notificationsFor(model)).map((n) => n.kind)).toEqual(['validation.passed']);
  });
});
