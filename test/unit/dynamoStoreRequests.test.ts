/**
 * What the worker's and the tick's adapters send without the SDK: DynamoDB's Query, BatchGetItem
 * and TransactWriteItems through the small client (and how the store reads a cancelled
 * transaction), and SNS's Publish in the query protocol. No network: the signed clients get a
 * recording fake (test/integration/dynamoStore.test.ts runs the same against moto).
 */
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import { cancellationReasons, DynamoDocuments } from '../../lib/aws/dynamoDocuments';
import { AwsRequestError } from '../../lib/aws/errors';
import { SignedQueryClient, xmlElement } from '../../lib/aws/signedQueryClient';
import type { VersionState } from '../../lib/domain/state';
import { NotifyError, SnsNotifier } from '../../lib/notify/snsNotifier';
import { DynamoPromotionStore } from '../../lib/store/dynamoPromotionStore';
import { StaleStateError, StoreError } from '../../lib/store/errors';

/** A DynamoDB stand-in: records each operation and answers with the next reply (or throws it). */
function fakeDynamo(replies: Array<object | Error> = []) {
  const calls: Array<{ operation: string; input: any }> = [];
  const dynamo = {
    call: async (operation: string, input: object) => {
      calls.push({ operation, input: structuredClone(input) });
      const reply = replies.shift() ?? {};
      if (reply instanceof Error) throw reply;
      return reply as never;
    },
  };
  return { calls, db: new DynamoDocuments(dynamo) };
}

const cancelled = (codes: string[], details = true) =>
  new AwsRequestError(
    'dynamodb',
    'TransactWriteItems',
    'TransactionCanceledException',
    400,
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    details ? { details: { CancellationReasons: codes.map((Code) => ({ Code })) } } : {},
  );

const state: VersionState = {
  model: 'fraud',
  version: '7',
  phase: 'registered',
  revision: 2,
  updatedAt: '2026-01-02T03:04:05.000Z',
};

describe('DynamoDB Query', () => {
  it('reads every page, starting each from the last key of the one before', async () => {
    const key = { pk: { S: 'MODEL#fraud' }, sk: { S: 'VERSION#000000000002' } };
    const { calls, db } = fakeDynamo([
      { Items: [{ n: { N: '1' } }, { n: { N: '2' } }], LastEvaluatedKey: key },
      { Items: [{ n: { N: '3' } }] },
    ]);

    const items = await db.query({
      TableName: 't',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'MODEL#fraud' },
      pageSize: 2,
    });

    expect(items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(calls.map((c) => c.input)).toEqual([
      {
        TableName: 't',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'MODEL#fraud' } },
        Limit: 2,
      },
      {
        TableName: 't',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'MODEL#fraud' } },
        Limit: 2,
        ExclusiveStartKey: key,
      },
    ]);
  });

  it('reads one page when asked for at most Limit items, as the SDK’s QueryCommand does', async () => {
    const { calls, db } = fakeDynamo([{ Items: [{ n: { N: '1' } }], LastEvaluatedKey: { pk: { S: 'x' } } }]);

    const items = await db.query({
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
    const second = { pk: { S: 'MODEL#fraud' }, sk: { S: 'VERSION#000000000002' } };
    const { calls, db } = fakeDynamo([
      { Responses: { t: [{ version: { S: '1' } }] }, UnprocessedKeys: { t: { Keys: [second] } } },
      { Responses: { t: [{ version: { S: '2' } }] }, UnprocessedKeys: {} },
    ]);

    const items = await db.batchGet({
      TableName: 't',
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
    expect(calls[0]!.operation).toBe('TransactWriteItems');
    expect(put.Put).toMatchObject({
      TableName: 't',
      ConditionExpression: '#revision = :expected',
      ExpressionAttributeNames: { '#revision': 'revision' },
      ExpressionAttributeValues: { ':expected': { N: '1' } },
      Item: { pk: { S: 'MODEL#fraud' }, sk: { S: 'VERSION#000000000007' }, dueShard: { S: 'due' } },
    });
    expect(audit.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: { S: 'AUDIT#fraud' }, sk: { S: '2026-01-02T03:04:05.000Z#7#0' } },
    });
  });
});

/** An SNS stand-in answering each request with the next response. */
function fakeSns(responses: Response[]) {
  const sent: Array<{ url: string; headers: Record<string, string>; body: URLSearchParams }> = [];
  const client = new SignedQueryClient({
    service: 'sns',
    endpointPrefix: 'sns',
    version: '2010-03-31',
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    retries: 1,
    env: {},
    fetch: async (url, init) => {
      sent.push({
        url: String(url),
        headers: init!.headers as Record<string, string>,
        body: new URLSearchParams(String(init!.body)),
      });
      return responses.shift()!;
    },
  });
  return { client, sent };
}

const xml = (status: number, body: string) =>
  new Response(body, { status, headers: { 'content-type': 'text/xml' } });
const published = () =>
  xml(200, '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>');
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
  it('sends a signed, form-encoded Publish with the JSON structure and the attributes', async () => {
    const { client, sent } = fakeSns([published()]);

    await new SnsNotifier(client, 'arn:aws:sns:eu-west-1:123456789012:baton').publish(notification);

    const { url, headers, body } = sent[0]!;
    expect(url).toBe('https://sns.eu-west-1.amazonaws.com/');
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
      xml(
        404,
        '<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error></ErrorResponse>',
      ),
    ]);

    const publish = new SnsNotifier(client, 'arn:aws:sns:eu-west-1:123456789012:gone').publish(notification);

    await expect(publish).rejects.toBeInstanceOf(NotifyError);
    await expect(publish).rejects.toSatisfy(
      (e: NotifyError) => e.cause instanceof AwsRequestError && e.cause.code === 'NotFound',
    );
    expect(sent).toHaveLength(1);
  });

  it('retries a throttled publish', async () => {
    const { client, sent } = fakeSns([
      xml(
        400,
        '<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>',
      ),
      published(),
    ]);

    await new SnsNotifier(client, 'arn:aws:sns:eu-west-1:123456789012:baton').publish(notification);

    expect(sent).toHaveLength(2);
  });

  it('decodes XML entities in an element', () => {
    expect(xmlElement('<Message>a &amp; b &lt;c&gt; &#233;&#x2019;</Message>', 'Message')).toBe(
      'a & b <c> é’',
    );
  });
});
