/**
 * What the worker's and the tick's adapters ask the official clients for: DynamoDB's Query,
 * BatchGetItem and TransactWriteItems (and how the store reads a cancelled transaction), and SNS's
 * Publish. No network: the DocumentClient is a recording fake `send`; the SNS client is the real
 * one over a fake request handler, so its retries are the SDK's own
 * (test/integration/dynamoStore.test.ts runs the same against moto).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import { awsFailure } from '../../lib/adapters/aws/awsErrors';
import { NotifyError, SnsNotifier } from '../../lib/adapters/notify/snsNotifier';
import { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import {
  batchGetAll,
  batchGetRounds,
  cancellationReasons,
  type DynamoDocuments,
  queryAll,
  UnprocessedKeysError,
} from '../../lib/adapters/store/dynamoTable';
import { StaleStateError, StoreError } from '../../lib/adapters/store/errors';
import type { VersionState } from '../../lib/domain/state';

/** A DocumentClient stand-in: records each command and answers with the next reply (or throws it). */
function fakeDynamo(replies: Array<object | Error> = []) {
  const calls: Array<{ operation: string; input: any }> = [];
  const db = {
    send: async (command: { input: object }) => {
      calls.push({ operation: command.constructor.name, input: structuredClone(command.input) });
      const reply = replies.shift() ?? {};
      if (reply instanceof Error) throw reply;
      return reply as never;
    },
  } as unknown as DynamoDocuments;
  return { calls, db };
}

const cancelled = (codes: string[], details = true) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    ...(details && { CancellationReasons: codes.map((Code) => ({ Code })) }),
  });

const state: VersionState = {
  model: 'fraud',
  version: '7',
  phase: 'registered',
  revision: 2,
  updatedAt: '2026-01-02T03:04:05.000Z',
};

describe('DynamoDB Query', () => {
  it('reads every page, starting each from the last key of the one before', async () => {
    const key = { pk: 'MODEL#fraud', sk: 'VERSION#000000000002' };
    const { calls, db } = fakeDynamo([
      { Items: [{ n: 1 }, { n: 2 }], LastEvaluatedKey: key },
      { Items: [{ n: 3 }] },
    ]);

    const items = await queryAll(
      db,
      {
        TableName: 't',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'MODEL#fraud' },
      },
      2,
    );

    expect(items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(calls.map((c) => c.input)).toEqual([
      {
        TableName: 't',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'MODEL#fraud' },
        Limit: 2,
      },
      {
        TableName: 't',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'MODEL#fraud' },
        Limit: 2,
        ExclusiveStartKey: key,
      },
    ]);
  });

  it('reads one page when asked for at most Limit items, as the SDK’s QueryCommand does', async () => {
    const { calls, db } = fakeDynamo([{ Items: [{ n: 1 }], LastEvaluatedKey: { pk: 'x' } }]);

    const items = await queryAll(db, {
      TableName: 't',
      IndexName: 'DueIndex',
      KeyConditionExpression: 'dueShard = :due',
      ExpressionAttributeValues: { ':due': 'due' },
      ScanIndexForward: false,
      Limit: 1,
    });

    expect(items).toEqual([{ n: 1 }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.input).toMatchObject({ IndexName: 'DueIndex', ScanIndexForward: false, Limit: 1 });
  });
});

describe('DynamoDB BatchGetItem', () => {
  it('asks again for the keys DynamoDB left unprocessed', async () => {
    const second = { pk: 'MODEL#fraud', sk: 'VERSION#000000000002' };
    const { calls, db } = fakeDynamo([
      { Responses: { t: [{ version: '1' }] }, UnprocessedKeys: { t: { Keys: [second] } } },
      { Responses: { t: [{ version: '2' }] }, UnprocessedKeys: {} },
    ]);

    const items = await batchGetAll(db, 't', {
      Keys: [
        { pk: 'MODEL#fraud', sk: 'VERSION#000000000001' },
        { pk: 'MODEL#fraud', sk: 'VERSION#000000000002' },
      ],
      ProjectionExpression: '#version',
      ExpressionAttributeNames: { '#version': 'version' },
    });

    expect(items).toEqual([{ version: '1' }, { version: '2' }]);
    expect(calls[1]!.input).toEqual({
      RequestItems: {
        t: {
          ProjectionExpression: '#version',
          ExpressionAttributeNames: { '#version': 'version' },
          Keys: [second],
        },
      },
    });
  });

  it('gives up with a typed error when keys stay unprocessed round after round', async () => {
    const key = { pk: 'MODEL#fraud', sk: 'VERSION#000000000001' };
    const stuck = Array.from({ length: batchGetRounds }, () => ({ UnprocessedKeys: { t: { Keys: [key] } } }));
    const { calls, db } = fakeDynamo(stuck);

    const read = batchGetAll(db, 't', { Keys: [key] });

    await expect(read).rejects.toBeInstanceOf(UnprocessedKeysError);
    expect(calls).toHaveLength(batchGetRounds);
  });
});

describe('a cancelled transaction', () => {
  it('lists its reasons from the structured response, or else from the message', () => {
    expect(cancellationReasons(cancelled(['None', 'ConditionalCheckFailed']))).toEqual([
      'None',
      'ConditionalCheckFailed',
    ]);
    expect(cancellationReasons(cancelled(['TransactionConflict', 'None'], false))).toEqual([
      'TransactionConflict',
      'None',
    ]);
    expect(cancellationReasons(new Error('other'))).toBeUndefined();
  });

  it('is a stale state when a condition was false', async () => {
    const { db } = fakeDynamo([cancelled(['ConditionalCheckFailed', 'None'])]);

    const save = new DynamoPromotionStore(db, 't').saveVersion(state, 1, []);

    await expect(save).rejects.toBeInstanceOf(StaleStateError);
  });

  it('is a store failure, not a stale state, when it was cancelled for another reason', async () => {
    const { db } = fakeDynamo([cancelled(['TransactionConflict'])]);

    const save = new DynamoPromotionStore(db, 't').saveVersion(state, 1, []);

    await expect(save).rejects.toSatisfy((e) => e instanceof StoreError && !(e instanceof StaleStateError));
  });

  it('is sent as one TransactWriteItems: the state guarded by its revision, each audit entry new', async () => {
    const { calls, db } = fakeDynamo([{}]);
    const entry = {
      at: '2026-01-02T03:04:05.000Z',
      model: 'fraud',
      version: '7',
      kind: 'validation.passed',
      actor: 'baton',
      cause: 'registry:fraud:7',
      evidence: {},
    };

    await new DynamoPromotionStore(db, 't').saveVersion({ ...state, dueAt: 5 }, 1, [entry]);

    const [put, audit] = calls[0]!.input.TransactItems;
    expect(calls[0]!.operation).toBe('TransactWriteCommand');
    expect(put.Put).toMatchObject({
      TableName: 't',
      ConditionExpression: '#revision = :expected',
      ExpressionAttributeNames: { '#revision': 'revision' },
      ExpressionAttributeValues: { ':expected': 1 },
      Item: { pk: 'MODEL#fraud', sk: 'VERSION#000000000007', dueShard: 'due' },
    });
    expect(audit.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'AUDIT#fraud', sk: '2026-01-02T03:04:05.000Z#7#0' },
    });
  });

  it('carries the same idempotency token when the same write is sent again, another for another write', async () => {
    const { calls, db } = fakeDynamo([{}, {}, {}]);
    const store = new DynamoPromotionStore(db, 't');

    await store.saveVersion(state, 1, []);
    await store.saveVersion(state, 1, []);
    await store.saveVersion({ ...state, phase: 'validated' }, 1, []);

    const [first, again, other] = calls.map((c) => c.input.ClientRequestToken as string);
    expect(first).toMatch(/^[0-9a-f]{36}$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });
});

/** SNS over a fake request handler answering each request with the next response. */
function fakeSns(responses: Array<{ statusCode: number; body: string }>) {
  const sent: Array<{ path: string; headers: Record<string, string>; body: URLSearchParams }> = [];
  const client = new SNSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 2,
    requestHandler: {
      handle: async (request: { path: string; headers: Record<string, string>; body: string }) => {
        sent.push({ path: request.path, headers: request.headers, body: new URLSearchParams(request.body) });
        const { statusCode, body } = responses.shift()!;
        return { response: { statusCode, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) } };
      },
    } as never,
  });
  return { client, sent };
}

const published = () => ({
  statusCode: 200,
  body: '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>',
});
const notification: Notification = {
  kind: 'rollout.paused',
  model: 'fraud',
  version: '7',
  idempotencyKey: 'rollout:fraud:7',
  endpoint: 'fraud-prod',
  reason: 'p99 latency',
  by: 'baton',
  weights: { '6': 90, '7': 10 },
};

describe('publishing on SNS', () => {
  it('sends a signed Publish with the JSON structure and the attributes', async () => {
    const { client, sent } = fakeSns([published()]);

    await new SnsNotifier(client, 'arn:aws:sns:eu-west-1:123456789012:baton').publish(notification);

    const { headers, body } = sent[0]!;
    expect(headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/sns\/aws4_request/);
    expect(Object.fromEntries(body)).toMatchObject({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:baton',
      MessageStructure: 'json',
      Subject: 'Baton: fraud v7 rollout paused',
      'MessageAttributes.entry.1.Name': 'kind',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'rollout.paused',
      'MessageAttributes.entry.3.Name': 'idempotencyKey',
      'MessageAttributes.entry.3.Value.StringValue': 'rollout:fraud:7',
    });
    expect(JSON.parse(JSON.parse(body.get('Message')!).sqs)).toEqual(notification);
  });

  it('reports SNS’s error code as a NotifyError, without retrying a refusal', async () => {
    const { client, sent } = fakeSns([
      {
        statusCode: 404,
        body: '<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error></ErrorResponse>',
      },
    ]);

    const publish = new SnsNotifier(client, 'arn:aws:sns:eu-west-1:123456789012:gone').publish(notification);

    await expect(publish).rejects.toBeInstanceOf(NotifyError);
    await expect(publish).rejects.toSatisfy((e: NotifyError) => awsFailure(e.cause)?.code === 'NotFound');
    expect(sent).toHaveLength(1);
  });

  it('retries a throttled publish', async () => {
    const { client, sent } = fakeSns([
      {
        statusCode: 400,
        body: '<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>',
      },
      published(),
    ]);

    await new SnsNotifier(client, 'arn:aws:sns:eu-west-1:123456789012:baton').publish(notification);

    expect(sent).toHaveLength(2);
  });
});
