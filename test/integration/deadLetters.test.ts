/**
 * Dead letters are visible and recoverable: a promotion event that fails every attempt (the
 * worker's DynamoDB is behind a proxy that resets every connection, so not even the failure can be
 * recorded) lands in the promotion DLQ, the local stack logs it, `baton dlq list --json` shows what
 * it is, and once the table is back `baton dlq redrive` sends it to the promotion queue, where it
 * is processed. (Why an attempt failed, when the worker could record it, is shown too: unit tests.) The stack's
 * DLQ alarms exist in the emulator as the template declares them.
 */
import { resolve } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { runBatonCli } from '../support/batonCli';
import { type FaultProxy, startFaultProxy } from '../support/faultProxy';
import { testStack, uniqueName } from '../support/localStack';
import { eventually, tagsOf } from '../support/registryWaits';
import { mlflowHeaders, mlflowPayload } from '../support/signing';

const logs: string[] = [];
let proxy: FaultProxy;
let stack: LocalStack;
let sqs: SQSClient;
const model = uniqueName('val-dlq');
let version: string;

const queueUrl = (id: string) => stack.resources.resolveString({ Ref: id });
const queueName = (id: string) => stack.resources.resolveString({ 'Fn::GetAtt': [id, 'QueueName'] });

async function visible(id: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl(id),
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages);
}

beforeAll(async () => {
  // The worker reaches Baton's table through the proxy; the test and the CLI reach moto directly.
  // Work is stored before it is done (nothing accepted waits in the queue for a registry), so what
  // still dead-letters is a message the worker cannot even record: its own table unreachable.
  proxy = await startFaultProxy(inject('motoUrl'));
  stack = await testStack('ap-southeast-7', {
    env: { AWS_ENDPOINT_URL_DYNAMODB: proxy.url, POLICIES_DIR: resolve('test/fixtures/policies') },
    // Only this test's event: no webhook from the shared MLflow, no reconciler sweep.
    webhook: false,
    scheduleSeconds: 3600,
    retryDelaySeconds: 1,
    log: (line) => logs.push(line),
  });
  sqs = new SQSClient(awsClientConfig(stack.aws));
  const api = mlflowApi(inject('mlflowUrl'));
  await api.ensureRegisteredModel(model);
  const run = await api.createRun('baton-dlq-tests', { val_auc: 0.91, val_logloss: 0.3 });
  ({ version } = await api.createModelVersion(model, run, {
    description: 'candidate',
    tags: { git_sha: 'abc' },
  }));

  // The table is unreachable for the worker: every attempt fails, until the last one.
  proxy.set('reset');
  const body = mlflowPayload('model_version', 'created', { name: model, version, source: 's' });
  const response = await fetch(`${stack.ingressUrl}/webhooks/mlflow`, {
    method: 'POST',
    headers: mlflowHeaders(stack.secrets.mlflowWebhookSecret, body),
    body,
  });
  if (response.status !== 202) throw new Error(`ingress answered ${response.status}`);
  await eventually(
    async () => ((await visible('PromotionDeadLetterQueue')) >= 1 ? true : undefined),
    180_000,
    'the event in the promotion DLQ',
  );
}, 240_000);

afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
  await proxy?.close();
});

describe('a promotion event that fails every attempt', () => {
  it('is logged by the local stack as it reaches the DLQ, naming queue, model, version, event type and receive count', () => {
    const line = logs.find((l) => l.startsWith('[dlq]'));
    expect(line).toContain(
      `[dlq] ${queueName('PromotionDeadLetterQueue')} ← ${model} v${version} model_version.created`,
    );
    expect(line).toMatch(/receive count 8\)/);
  });

  it('is listed by `baton dlq list --json` with its model, version, event type and receive count', async () => {
    const { code, stdout } = await runBatonCli(stack, ['dlq', 'list', '--json']);

    expect(code).toBe(0);
    const { queues } = JSON.parse(stdout);
    const promotion = queues.find(
      (q: { queue: string }) => q.queue === queueName('PromotionDeadLetterQueue'),
    );
    expect(promotion).toMatchObject({ depth: 1, source: queueName('PromotionQueue') });
    expect(promotion.messages).toEqual([
      expect.objectContaining({
        model,
        version,
        eventType: 'model_version.created',
        receiveCount: expect.any(Number),
        firstReceivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        // The worker could not record the failed attempts: its table was what failed.
        lastReceivedAt: null,
      }),
    ]);
    expect(promotion.messages[0].receiveCount).toBeGreaterThanOrEqual(8);
  });

  it('is sent back by `baton dlq redrive` once the table is back, and then processed', async () => {
    proxy.set('forward');

    const { code, output } = await runBatonCli(stack, ['dlq', 'redrive', '--queue', 'promotion']);

    expect({ code, output }).toEqual({
      code: 0,
      output: `${queueName('PromotionDeadLetterQueue')} → ${queueName('PromotionQueue')}: moved 1 message(s)\n`,
    });
    const api = mlflowApi(inject('mlflowUrl'));
    const status = await eventually(
      async () => {
        const tag = tagsOf(await api.getModelVersion(model, version)).validation_status;
        return tag === 'PASSED' || tag === 'FAILED' ? tag : undefined;
      },
      60_000,
      'a verdict on the redriven version',
    );
    expect(status).toBe('PASSED');
    expect(await visible('PromotionDeadLetterQueue')).toBe(0);
  });
});

describe('the dead-letter alarms of the local stack', () => {
  it('exist in the emulator on every DLQ, announced and cleared on the notifications topic', async () => {
    const cloudwatch = new CloudWatchClient(awsClientConfig(stack.aws));
    const { MetricAlarms = [] } = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'baton-local-' }),
    );
    cloudwatch.destroy();

    const topic = stack.resources.resolveString({ Ref: 'NotificationsTopic' });
    const watched = MetricAlarms.map((a) => ({
      queue: a.Dimensions?.[0]?.Value,
      threshold: a.Threshold,
      actions: [a.AlarmActions, a.OKActions],
    }));
    expect(watched.sort((a, b) => String(a.queue).localeCompare(String(b.queue)))).toEqual(
      [
        'AlarmDeadLetterQueue',
        'CopyDeadLetterQueue',
        'NotificationsDeadLetterQueue',
        'PromotionDeadLetterQueue',
      ]
        .map((id) => ({ queue: queueName(id), threshold: 1, actions: [[topic], [topic]] }))
        .sort((a, b) => a.queue.localeCompare(b.queue)),
    );
  });
});

describe('baton dlq --help', () => {
  it('describes redrive with its options and exit codes', async () => {
    const { code, stdout } = await runBatonCli(stack, ['dlq', 'redrive', '--help']);

    expect(code).toBe(0);
    expect(stdout).toContain('--queue <name>');
    expect(stdout).toContain('--max <n>');
    expect(stdout).toContain('1 refused or stopped early');
  });
});
