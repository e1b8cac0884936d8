import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { PromotionEvent } from '../../events/promotionEvent';
import { type RegistryWebhookDeps, registryWebhook } from '../../functions/registryWebhook';
import { EnqueueError } from '../../lib/adapters/queue/errors';
import { errorResponse } from '../../lib/app/http/httpErrorResponses';
import { MemoryReceipts } from '../support/ingressHarness';
import { databricksHeaders, mlflowHeaders, mlflowPayload } from '../support/signing';

const secret = 'unit-test-secret';
const dbSecret = 'databricks-unit-secret';
const now = new Date('2026-11-22T12:00:00Z');

function setup(options: { queueDown?: boolean } = {}) {
  const queued: PromotionEvent[] = [];
  const deps: RegistryWebhookDeps = {
    queue: {
      async enqueue(event) {
        if (options.queueDown) throw new EnqueueError(new Error('connect ECONNREFUSED'));
        queued.push(event);
      },
    },
    secrets: { values: async (name) => (name === 'mlflow-param' ? [secret] : [dbSecret]) },
    secretNames: { mlflow: 'mlflow-param', databricks: 'databricks-param' },
    receipts: new MemoryReceipts(),
    now: () => now,
  };
  // The handler's errors go through the same mapping the middy middleware uses.
  const post = async (
    path: string,
    body: string | Buffer,
    headers: Record<string, string>,
    base64 = false,
  ) => {
    const event = {
      rawPath: path,
      headers,
      body: base64 ? Buffer.from(body).toString('base64') : body.toString(),
      isBase64Encoded: base64,
    } as unknown as APIGatewayProxyEventV2;
    try {
      return await registryWebhook(event, deps);
    } catch (error) {
      return errorResponse(error);
    }
  };
  return { queued, post };
}

const created = mlflowPayload('model_version', 'created', {
  name: 'fraud',
  version: '7',
  source: 'runs:/r/model',
  run_id: 'r',
});

describe('POST /webhooks/mlflow', () => {
  it('queues a signed model_version.created as one normalised event and answers 202', async () => {
    const { queued, post } = setup();
    const headers = mlflowHeaders(secret, created, now, 'delivery-1');

    const response = await post('/webhooks/mlflow', created, headers);

    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body!)).toEqual({
      queued: { kind: 'model_version.created', model: 'fraud', version: '7' },
    });
    expect(queued).toEqual([
      expect.objectContaining({
        kind: 'model_version.created',
        source: 'mlflow',
        model: 'fraud',
        version: '7',
        deliveryId: 'delivery-1',
      }),
    ]);
  });

  it.each([
    [
      'model_version_alias',
      'created',
      { name: 'fraud', alias: 'champion', version: '7' },
      { alias: 'champion', version: '7' },
    ],
    [
      'model_version_alias',
      'deleted',
      { name: 'fraud', alias: 'champion' },
      { kind: 'model_version_alias.deleted' },
    ],
  ])('queues %s.%s', async (entity, action, data, expected) => {
    const { queued, post } = setup();
    const body = mlflowPayload(entity, action, data);

    const response = await post('/webhooks/mlflow', body, mlflowHeaders(secret, body, now));

    expect(response.statusCode).toBe(202);
    expect(queued[0]).toMatchObject(expected);
  });

  it.each([
    [
      'model_version_tag',
      'set',
      { name: 'fraud', version: '7', key: 'git_sha', value: 'abc' },
      'tag changes',
    ],
    ['model_version_tag', 'deleted', { name: 'fraud', version: '7', key: 'git_sha' }, 'tag changes'],
    ['registered_model', 'created', { name: 'fraud', tags: {}, description: '' }, 'no versions to validate'],
  ])(
    'acknowledges %s.%s without queuing it: the worker has nothing to decide',
    async (entity, action, data, reason) => {
      const { queued, post } = setup();
      const body = mlflowPayload(entity, action, data);

      const response = await post('/webhooks/mlflow', body, mlflowHeaders(secret, body, now));

      expect(response.statusCode).toBe(202);
      expect(JSON.parse(response.body!).ignored).toContain(reason);
      expect(queued).toEqual([]);
    },
  );

  it('still rejects a malformed tag event with 400', async () => {
    const { queued, post } = setup();
    const body = mlflowPayload('model_version_tag', 'set', {
      name: 'fraud',
      version: 'x',
      key: 'k',
      value: 'v',
    });

    const response = await post('/webhooks/mlflow', body, mlflowHeaders(secret, body, now));

    expect(response.statusCode).toBe(400);
    expect(queued).toEqual([]);
  });

  it('verifies a base64-encoded body over its decoded bytes', async () => {
    const { queued, post } = setup();

    const response = await post('/webhooks/mlflow', created, mlflowHeaders(secret, created, now), true);

    expect(response.statusCode).toBe(202);
    expect(queued).toHaveLength(1);
  });

  it('answers 202 with the reason for a genuine event Baton does not act on, and queues nothing', async () => {
    const { queued, post } = setup();
    const body = mlflowPayload('prompt', 'created', { name: 'p' });

    const response = await post('/webhooks/mlflow', body, mlflowHeaders(secret, body, now));

    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body!)).toEqual({ ignored: 'event prompt.created is not one Baton acts on' });
    expect(queued).toEqual([]);
  });

  const stale = new Date(now.getTime() - 301_000);
  it.each([
    [
      'a missing signature',
      created,
      { 'content-type': 'application/json' },
      401,
      'absent_signature',
      /X-MLflow-Signature header is missing/,
    ],
    [
      'a wrong secret',
      created,
      mlflowHeaders('wrong', created, now),
      401,
      'invalid_signature',
      /does not match/,
    ],
    [
      'a timestamp over 300 s old',
      created,
      mlflowHeaders(secret, created, stale),
      401,
      'invalid_signature',
      /more than 300 s/,
    ],
    [
      'malformed JSON',
      '{"entity": ',
      mlflowHeaders(secret, '{"entity": ', now),
      400,
      'malformed_json',
      /not valid JSON/,
    ],
    [
      'a version that is not a number',
      mlflowPayload('model_version', 'created', { name: 'fraud', version: 'seven' }),
      null,
      400,
      'invalid_payload',
      /data\.version/,
    ],
    [
      'a missing model name',
      mlflowPayload('model_version', 'created', { version: '1' }),
      null,
      400,
      'invalid_payload',
      /data\.name: missing/,
    ],
    ['no envelope', '[]', mlflowHeaders(secret, '[]', now), 400, 'invalid_payload', /\(body\)/],
    [
      'a form body',
      created,
      { ...mlflowHeaders(secret, created, now), 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'unsupported_media_type',
      /application\/json/,
    ],
    [
      'a body over 256 KB',
      `{"pad":"${'x'.repeat(256 * 1024)}"}`,
      null,
      413,
      'payload_too_large',
      /limit is 262144/,
    ],
  ])('rejects %s with a JSON error and queues nothing', async (_, body, headers, status, code, detail) => {
    const { queued, post } = setup();

    const response = await post('/webhooks/mlflow', body, headers ?? mlflowHeaders(secret, body, now));

    expect(response.statusCode).toBe(status);
    const json = JSON.parse(response.body!);
    expect(json.error).toBe(code);
    expect(json.detail).toMatch(detail);
    expect(queued).toEqual([]);
  });

  it('answers 503 when the queue is unavailable, so MLflow retries', async () => {
    const { post } = setup({ queueDown: true });

    const response = await post('/webhooks/mlflow', created, mlflowHeaders(secret, created, now));

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body!)).toEqual({
      error: 'queue_unavailable',
      detail: 'the event could not be queued; retry later',
    });
  });
});

describe('POST /webhooks/databricks', () => {
  const body = JSON.stringify({
    event: 'MODEL_VERSION_CREATED',
    webhook_id: 'w1',
    // Sent a second before it arrives: within the 5-minute age window.
    event_timestamp: now.getTime() - 1000,
    model_name: 'fraud',
    version: '3',
  });

  it('queues a signed MODEL_VERSION_CREATED with an id derived from the body', async () => {
    const { queued, post } = setup();

    const response = await post('/webhooks/databricks', body, databricksHeaders(dbSecret, body));

    expect(response.statusCode).toBe(202);
    expect(queued[0]).toMatchObject({
      kind: 'model_version.created',
      source: 'databricks',
      model: 'fraud',
      version: '3',
    });
    expect(queued[0]!.deliveryId).toMatch(/^databricks-[0-9a-f]{64}$/);
  });

  it('acknowledges MODEL_VERSION_TAG_SET without queuing it', async () => {
    const { queued, post } = setup();
    const tagged = JSON.stringify({
      event: 'MODEL_VERSION_TAG_SET',
      model_name: 'fraud',
      version: '3',
      tags: [{ key: 'k', value: 'v' }],
    });

    const response = await post('/webhooks/databricks', tagged, databricksHeaders(dbSecret, tagged));

    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body!).ignored).toContain('tag changes');
    expect(queued).toEqual([]);
  });

  it('rejects an MLflow-style signature on the Databricks route', async () => {
    const { queued, post } = setup();

    const response = await post('/webhooks/databricks', body, mlflowHeaders(dbSecret, body, now));

    expect(response.statusCode).toBe(401);
    expect(queued).toEqual([]);
  });
});
