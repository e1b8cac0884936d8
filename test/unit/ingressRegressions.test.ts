import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { PromotionEvent } from '../../events/promotionEvent';
import { registryWebhook } from '../../functions/registryWebhook';
import { slackInteractions } from '../../functions/slackInteractions';
import { errorResponse } from '../../lib/app/http/httpErrorResponses';
import { MemoryReceipts } from '../support/ingressHarness';
import { databricksHeaders, mlflowHeaders, mlflowPayload, slackHeaders } from '../support/signing';

const now = new Date('2026-11-22T12:00:00Z');
const secret = 's';

async function post(path: string, body: string, headers: Record<string, string>) {
  const queued: PromotionEvent[] = [];
  const deps = {
    queue: { enqueue: async (e: PromotionEvent) => void queued.push(e) },
    secrets: { values: async () => [secret] },
    secretNames: { mlflow: 'm', databricks: 'd' },
    receipts: new MemoryReceipts(),
    signingSecretName: 'slack',
    now: () => now,
  };
  const event = { rawPath: path, headers, body, isBase64Encoded: false } as unknown as APIGatewayProxyEventV2;
  const handler = path === '/slack/interactions' ? slackInteractions : registryWebhook;
  const response = await handler(event, deps).catch(errorResponse);
  return { response, queued, json: JSON.parse(response.body ?? '{}') };
}

describe('ingress regressions found by the fuzz', () => {
  it('B1: queues only the fields the event kind checks (a stray version on alias.deleted is dropped)', async () => {
    const body = mlflowPayload('model_version_alias', 'deleted', {
      name: 'fraud',
      alias: 'champion',
      version: { evil: 1 },
    });

    const { response, queued } = await post('/webhooks/mlflow', body, mlflowHeaders(secret, body, now));

    expect(response.statusCode).toBe(202);
    expect(queued).toEqual([expect.not.objectContaining({ version: expect.anything() })]);
  });

  it('B2: ignores a Databricks event named after an Object.prototype member', async () => {
    const body = JSON.stringify({ event: 'toString', model_name: 'fraud', version: '1' });

    const { response, queued, json } = await post(
      '/webhooks/databricks',
      body,
      databricksHeaders(secret, body),
    );

    expect(response.statusCode).toBe(202);
    expect(json.ignored).toBe('event toString is not one Baton acts on');
    expect(queued).toEqual([]);
  });

  it('B3: refuses a Databricks timestamp outside Date’s range as a stale delivery, not a 500', async () => {
    const body = JSON.stringify({
      event: 'MODEL_VERSION_CREATED',
      model_name: 'fraud',
      version: '1',
      event_timestamp: 1e20,
    });

    const { response, queued, json } = await post(
      '/webhooks/databricks',
      body,
      databricksHeaders(secret, body),
    );

    expect(response.statusCode).toBe(400);
    expect(json).toMatchObject({ error: 'stale_delivery' });
    expect(queued).toEqual([]);
  });

  it('B4: ignores a Slack payload whose type is an object, not a 500', async () => {
    const body = `payload=${encodeURIComponent(JSON.stringify({ type: { toString: 1 } }))}`;
    const { response, queued, json } = await post(
      '/slack/interactions',
      body,
      slackHeaders(secret, body, now),
    );

    expect(response.statusCode).toBe(200);
    expect(json.ignored).toBe('interaction type object is not one Baton acts on');
    expect(queued).toEqual([]);
  });

  it('B5: refuses with 400 an event the worker would refuse (a delivery id over 200 characters)', async () => {
    const body = mlflowPayload('model_version', 'created', { name: 'fraud', version: '1' });

    const { response, queued, json } = await post(
      '/webhooks/mlflow',
      body,
      mlflowHeaders(secret, body, now, 'd'.repeat(250)),
    );

    expect(response.statusCode).toBe(400);
    expect(json.detail).toMatch(/deliveryId: too long/);
    expect(queued).toEqual([]);
  });
});
