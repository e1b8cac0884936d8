/**
 * Replay protection on POST /webhooks/databricks: the signed body's event_timestamp must be within
 * the age window, and a body already queued is answered 202 `duplicate` without being queued again,
 * while a sender's retry of a delivery that never reached the queue is queued.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type RegistryWebhookDeps, registryWebhook } from '../../functions/registryWebhook';
import { ReceiptUnavailableError } from '../../lib/adapters/store/errors';
import { errorResponse } from '../../lib/app/http/httpErrorResponses';
import { MemoryReceipts, RecordingQueue } from '../support/ingressHarness';
import { databricksHeaders } from '../support/signing';

const secret = 'databricks-replay-secret';
const now = new Date('2026-11-22T12:00:00Z');

const delivery = (eventTimestamp?: number) =>
  JSON.stringify({
    event: 'MODEL_VERSION_CREATED',
    webhook_id: 'w1',
    ...(eventTimestamp !== undefined && { event_timestamp: eventTimestamp }),
    model_name: 'fraud',
    version: '3',
  });

function setup(overrides: Partial<RegistryWebhookDeps> = {}) {
  const queue = new RecordingQueue();
  const receipts = new MemoryReceipts();
  const deps: RegistryWebhookDeps = {
    queue,
    secrets: { values: async () => [secret] },
    secretNames: { mlflow: 'm', databricks: 'd' },
    receipts,
    now: () => now,
    ...overrides,
  };
  const post = async (body: string) => {
    const event = {
      rawPath: '/webhooks/databricks',
      headers: databricksHeaders(secret, body),
      body,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const response = await registryWebhook(event, deps).catch(errorResponse);
    return { status: response.statusCode, json: JSON.parse(response.body ?? '{}') };
  };
  return { queue, receipts, post };
}

const ms = (seconds: number) => now.getTime() - seconds * 1000;

describe('POST /webhooks/databricks: the age window', () => {
  it.each([
    ['sent just now', ms(0)],
    ['sent 300 s ago', ms(300)],
    ['stamped 300 s ahead of the receiver’s clock', ms(-300)],
  ])('queues a delivery %s', async (_, eventTimestamp) => {
    const { queue, post } = setup();

    const response = await post(delivery(eventTimestamp));

    expect(response.status).toBe(202);
    expect(queue.queued).toHaveLength(1);
  });

  it.each([
    [
      'sent 301 s ago',
      ms(301),
      'event_timestamp is 5 min 1 s old; deliveries more than 300 s from now are refused as possible replays',
    ],
    [
      'stamped 301 s ahead',
      ms(-301),
      'event_timestamp is 5 min 1 s in the future; deliveries more than 300 s from now are refused as possible replays',
    ],
    [
      'with event_timestamp 1000 (1970)',
      1000,
      'event_timestamp is 20779 d 11 h old; deliveries more than 300 s from now are refused as possible replays',
    ],
    [
      'sent a day ago',
      ms(86_400),
      'event_timestamp is 24 h 0 min old; deliveries more than 300 s from now are refused as possible replays',
    ],
  ])('refuses a delivery %s with 400 naming its age and the window', async (_, eventTimestamp, detail) => {
    const { queue, post } = setup();

    const response = await post(delivery(eventTimestamp));

    expect(response).toEqual({ status: 400, json: { error: 'stale_delivery', detail } });
    expect(queue.queued).toEqual([]);
  });

  it('refuses a delivery without event_timestamp with 400 naming the field', async () => {
    const { queue, post } = setup();

    const response = await post(delivery());

    expect(response).toEqual({
      status: 400,
      json: {
        error: 'missing_event_timestamp',
        detail:
          'event_timestamp is missing; Databricks sends it with every delivery and Baton refuses deliveries it cannot date',
      },
    });
    expect(queue.queued).toEqual([]);
  });

  it('applies a configured window instead of the default', async () => {
    const { queue, post } = setup({ maxDeliveryAgeSeconds: 60 });

    const response = await post(delivery(ms(61)));

    expect(response.json.detail).toBe(
      'event_timestamp is 61 s old; deliveries more than 60 s from now are refused as possible replays',
    );
    expect(queue.queued).toEqual([]);
  });
});

describe('POST /webhooks/databricks: receipts', () => {
  it('answers a replay of a queued delivery 202 duplicate and does not queue it again', async () => {
    const { queue, post } = setup();
    const body = delivery(ms(10));
    await post(body);

    const replay = await post(body);

    expect(replay).toEqual({
      status: 202,
      json: {
        duplicate: `this delivery was already queued at ${now.toISOString()}; it is not queued again`,
      },
    });
    expect(queue.queued).toHaveLength(1);
  });

  it('queues the sender’s retry of a delivery that failed to reach the queue', async () => {
    const down = setup({ queue: new RecordingQueue(true) });
    const body = delivery(ms(10));
    const first = await down.post(body);
    const { queue, post } = setup({ receipts: down.receipts });

    const retry = await post(body);

    expect([first.status, retry.status]).toEqual([503, 202]);
    expect(queue.queued).toHaveLength(1);
  });

  it('answers 503 and queues nothing when the receipt cannot be checked, so Databricks retries', async () => {
    const receipts = new MemoryReceipts();
    receipts.receive = async () => {
      throw new ReceiptUnavailableError(new Error('DynamoDB unreachable'));
    };
    const { queue, post } = setup({ receipts });

    const response = await post(delivery(ms(10)));

    expect(response).toEqual({
      status: 503,
      json: {
        error: 'receipts_unavailable',
        detail: 'the delivery could not be checked for replay; retry later',
      },
    });
    expect(queue.queued).toEqual([]);
  });

  it('still answers 202 when the event is queued but its receipt cannot be written', async () => {
    const receipts = new MemoryReceipts();
    receipts.markQueued = async () => {
      throw new Error('DynamoDB throttled');
    };
    const { queue, post } = setup({ receipts });

    const response = await post(delivery(ms(10)));

    expect(response.status).toBe(202);
    expect(queue.queued).toHaveLength(1);
  });
});
