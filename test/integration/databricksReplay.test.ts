/**
 * Replay protection for Databricks deliveries, for real: the registry webhook function of the
 * local stack keeps a receipt of each queued body in Baton's table in the emulator (24 h TTL),
 * answers a replayed body `duplicate` without queuing it, and refuses a stale one. The receipt
 * adapter on its own: an honest retry of a delivery never queued is not taken for a replay.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDocuments } from '../../lib/adapters/store/dynamoTable';
import { DynamoWebhookReceipts, receiptTtlSeconds } from '../../lib/adapters/store/dynamoWebhookReceipts';
import type { LocalStack } from '../../local/stack';
import { testDocuments, testStack, uniqueName } from '../support/localStack';
import { databricksHeaders } from '../support/signing';

let stack: LocalStack;
let db: DynamoDocuments;
let table: string;
let receipts: DynamoWebhookReceipts;

beforeAll(async () => {
  stack = await testStack('ap-southeast-3', { consumers: false });
  db = testDocuments(stack);
  table = stack.resources.resolveString({ Ref: 'BatonTable' });
  receipts = new DynamoWebhookReceipts(db, table);
});
afterAll(async () => {
  await stack?.stop();
});

const delivery = (model: string, eventTimestamp: number) =>
  JSON.stringify({
    event: 'MODEL_VERSION_CREATED',
    webhook_id: 'w1',
    event_timestamp: eventTimestamp,
    model_name: model,
    version: '1',
  });

async function post(body: string) {
  const response = await fetch(`${stack.ingressUrl}/webhooks/databricks`, {
    method: 'POST',
    headers: databricksHeaders(stack.secrets.databricksWebhookSecret, body),
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('POST /webhooks/databricks with receipts in the table', () => {
  const body = delivery(uniqueName('replay'), Date.now());

  it('queues a fresh delivery and keeps its receipt for 24 hours', async () => {
    const startSeconds = Math.floor(Date.now() / 1000);

    const response = await post(body);

    expect(response.status).toBe(202);
    expect(response.json).toHaveProperty('queued');
    const hash = createHash('sha256').update(body).digest('hex');
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: { pk: `DELIVERY#databricks-${hash}`, sk: 'RECEIPT' } }),
    );
    expect(Item).toMatchObject({ state: 'queued' });
    expect(Item!.expiresAt).toBeGreaterThanOrEqual(startSeconds + receiptTtlSeconds);
  });

  it('answers the same body again 202 duplicate, naming when it was queued', async () => {
    const response = await post(body);

    expect(response.status).toBe(202);
    expect(response.json.duplicate).toMatch(
      /^this delivery was already queued at \d{4}-\d\d-\d\dT[\d:.]+Z; it is not queued again$/,
    );
  });

  it('refuses a delivery with event_timestamp 1000 as stale', async () => {
    const response = await post(delivery(uniqueName('stale'), 1000));

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'stale_delivery' });
  });
});

describe('the receipt adapter', () => {
  it('lets a retry through while no copy has been queued', async () => {
    const key = uniqueName('databricks-retry');
    const now = new Date();

    const first = await receipts.receive(key, now);
    const retry = await receipts.receive(key, now);

    expect([first, retry]).toEqual([null, null]);
  });

  it('reports a copy of a queued delivery with the time it was queued', async () => {
    const key = uniqueName('databricks-queued');
    const queuedAt = new Date();
    await receipts.receive(key, queuedAt);
    await receipts.markQueued(key, queuedAt);

    const replay = await receipts.receive(key, new Date());

    expect(replay).toEqual({ queuedAt: queuedAt.toISOString() });
  });

  it('forgets a receipt past its TTL even before DynamoDB deletes it', async () => {
    const key = uniqueName('databricks-expired');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await receipts.markQueued(key, twoDaysAgo);

    const later = await receipts.receive(key, new Date());

    expect(later).toBeNull();
  });
});
