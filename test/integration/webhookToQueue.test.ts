/**
 * The foundation's promise, for real: a model version created through MLflow's REST API makes
 * MLflow's own webhook delivery reach Baton's ingress, and the event lands on the FIFO
 * promotion queue in the emulator. What the ingress cannot trust is refused and never queued.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testStack, uniqueName } from '../support/localStack';
import { mlflowHeaders, mlflowPayload } from '../support/signing';

let stack: LocalStack;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  // No consumers: the test itself reads the promotion queue.
  stack = await testStack('eu-west-1', { consumers: false });
  sqs = new SQSClient(awsClientConfig(stack.aws));
  queueUrl = stack.resources.resolveString({ Ref: 'PromotionQueue' });
});
afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

/** Everything taken off the queue so far (deleted, so FIFO groups keep flowing). */
const received: Message[] = [];

async function drain(waitSeconds: number): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  while (Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (!Messages.length) continue;
    received.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

const bodyOf = (message: Message) => JSON.parse(message.Body!);

async function receiveFor(model: string, kind: string, timeoutSeconds = 20): Promise<Message> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const found = received.find((m) => bodyOf(m).model === model && bodyOf(m).kind === kind);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no ${kind} for ${model} on the promotion queue within ${timeoutSeconds} s`);
    await drain(1);
  }
}

describe('MLflow webhook → ingress → promotion queue', () => {
  it('queues the model_version.created that MLflow itself delivers, grouped by model', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    const model = uniqueName('wire-model');
    await api.ensureRegisteredModel(model);
    const runId = await api.createRun('baton-tests', { val_auc: 0.9 });

    const version = await api.createModelVersion(model, runId);
    const message = await receiveFor(model, 'model_version.created');

    expect(bodyOf(message)).toMatchObject({
      type: 'registry',
      kind: 'model_version.created',
      source: 'mlflow',
      model,
      version: version.version,
    });
    expect(message.Attributes?.MessageGroupId).toBe(model);
    expect(message.Attributes?.MessageDeduplicationId).toMatch(/^mlflow:[0-9a-f-]{36}$/);
  });

  it('queues the model_version_alias.created that MLflow delivers when an alias is set', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    const model = uniqueName('wire-alias');
    await api.ensureRegisteredModel(model);
    const { version } = await api.createModelVersion(
      model,
      await api.createRun('baton-tests', { val_auc: 0.9 }),
    );

    await api.call('POST', 'registered-models/alias', { name: model, alias: 'champion', version });

    expect(bodyOf(await receiveFor(model, 'model_version_alias.created'))).toMatchObject({
      model,
      alias: 'champion',
      version,
    });
  });
});

describe('the ingress over HTTP refuses what it cannot trust, and queues nothing', () => {
  const model = uniqueName('hostile');
  const body = mlflowPayload('model_version', 'created', { name: model, version: '1', source: 's' });
  const post = (payload: string, headers: Record<string, string>) =>
    fetch(`${stack.ingressUrl}/webhooks/mlflow`, { method: 'POST', headers, body: payload });

  it.each([
    [
      'a missing signature',
      401,
      'absent_signature',
      () => post(body, { 'content-type': 'application/json' }),
    ],
    ['a wrong signature', 401, 'invalid_signature', () => post(body, mlflowHeaders('not-the-secret', body))],
    [
      'a stale timestamp',
      401,
      'invalid_signature',
      () =>
        post(body, mlflowHeaders(stack.secrets.mlflowWebhookSecret, body, new Date(Date.now() - 400_000))),
    ],
    [
      'malformed JSON',
      400,
      'malformed_json',
      () => post('{"entity":', mlflowHeaders(stack.secrets.mlflowWebhookSecret, '{"entity":')),
    ],
  ])('answers %s with %i and a JSON error', async (_, status, code, send) => {
    const response = await send();

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(((await response.json()) as { error: string }).error).toBe(code);
  });

  it('left none of those requests on the queue', async () => {
    await drain(3);

    expect(received.map((m) => bodyOf(m).model)).not.toContain(model);
  });

  it('queues the same request once it is correctly signed', async () => {
    const response = await post(body, mlflowHeaders(stack.secrets.mlflowWebhookSecret, body));

    expect(response.status).toBe(202);
    expect(bodyOf(await receiveFor(model, 'model_version.created'))).toMatchObject({ model, version: '1' });
  });
});
