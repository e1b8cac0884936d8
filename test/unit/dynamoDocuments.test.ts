/**
 * The small DynamoDB client: how JSON items become attribute values and back, the requests it
 * sends, and how the two ledgers built on it read a failed condition. No network: the signed
 * client's `call` is a recording fake (test/integration/dynamoDocuments.test.ts runs them on moto).
 */
import { describe, expect, it } from 'vitest';
import { fromAttributes, toAttributes } from '../../lib/aws/dynamoAttributes';
import { DynamoDocuments, isConditionFailure } from '../../lib/aws/dynamoDocuments';
import { AwsRequestError } from '../../lib/aws/errors';
import { DeliveryInProgressError, DeliveryLedgerError } from '../../lib/notify/errors';
import { DynamoDeliveryLedger } from '../../lib/notify/idempotency';
import { DynamoTokenLedger } from '../../lib/store/tokenLedger';

const conditionFailed = () =>
  new AwsRequestError(
    'dynamodb',
    'PutItem',
    'ConditionalCheckFailedException',
    400,
    'The conditional request failed',
  );

/** A DynamoDB stand-in: records each operation and answers with the next reply (or throws it). */
function fakeDynamo(replies: Array<object | Error> = []) {
  const calls: Array<{ operation: string; input: any }> = [];
  const dynamo = {
    call: async (operation: string, input: object) => {
      calls.push({ operation, input });
      const reply = replies.shift() ?? {};
      if (reply instanceof Error) throw reply;
      return reply as never;
    },
  };
  return { calls, db: new DynamoDocuments(dynamo) };
}

describe('DynamoDB attribute values', () => {
  it('round-trips a JSON document: strings, numbers, booleans, null, lists and maps', () => {
    const document = {
      pk: 'MODEL#fraud',
      revision: 3,
      weight: 0.25,
      approved: false,
      reason: null,
      checks: [{ name: 'auc', passed: true, value: 0.91 }],
      empty: '',
    };

    expect(fromAttributes(toAttributes(document))).toEqual(document);
  });

  it('writes numbers as N strings and drops undefined fields, as the DocumentClient does', () => {
    expect(toAttributes({ expiresAt: 1795366000, owner: undefined, tags: ['a', undefined] })).toEqual({
      expiresAt: { N: '1795366000' },
      tags: { L: [{ S: 'a' }] },
    });
  });

  it.each([
    ['a Set', new Set(['a'])],
    ['a Date', new Date(0)],
    ['NaN', Number.NaN],
  ])('refuses to store %s rather than change it', (_, value) => {
    expect(() => toAttributes({ value })).toThrow(TypeError);
  });

  it('refuses a stored number JavaScript cannot hold exactly', () => {
    expect(() => fromAttributes({ n: { N: '12345678901234567890' } })).toThrow(RangeError);
  });
});

describe('DynamoDB requests', () => {
  it('sends GetItem with the key marshalled and returns the item as JSON', async () => {
    const { calls, db } = fakeDynamo([{ Item: { pk: { S: 'TOKEN#ab' }, expiresAt: { N: '7' } } }]);

    const item = await db.get({ TableName: 't', Key: { pk: 'TOKEN#ab', sk: 'USED' }, ConsistentRead: true });

    expect(item).toEqual({ pk: 'TOKEN#ab', expiresAt: 7 });
    expect(calls).toEqual([
      {
        operation: 'GetItem',
        input: { TableName: 't', Key: { pk: { S: 'TOKEN#ab' }, sk: { S: 'USED' } }, ConsistentRead: true },
      },
    ]);
  });

  it('returns undefined when GetItem finds nothing', async () => {
    const { db } = fakeDynamo([{}]);

    expect(await db.get({ TableName: 't', Key: { pk: 'x', sk: 'y' } })).toBeUndefined();
  });

  it('marshals a conditional PutItem’s item and expression values, not its names', async () => {
    const { calls, db } = fakeDynamo();

    await db.put({
      TableName: 't',
      Item: { pk: 'NOTIFIED#k', leaseUntil: 30 },
      ConditionExpression: 'attribute_not_exists(pk) OR #leaseUntil < :now',
      ExpressionAttributeNames: { '#leaseUntil': 'leaseUntil' },
      ExpressionAttributeValues: { ':now': 10 },
    });

    expect(calls[0]).toEqual({
      operation: 'PutItem',
      input: {
        TableName: 't',
        Item: { pk: { S: 'NOTIFIED#k' }, leaseUntil: { N: '30' } },
        ConditionExpression: 'attribute_not_exists(pk) OR #leaseUntil < :now',
        ExpressionAttributeNames: { '#leaseUntil': 'leaseUntil' },
        ExpressionAttributeValues: { ':now': { N: '10' } },
      },
    });
  });

  it('tells a failed condition apart from other failures', () => {
    expect(isConditionFailure(conditionFailed())).toBe(true);
    expect(
      isConditionFailure(new AwsRequestError('dynamodb', 'PutItem', 'ValidationException', 400, 'no')),
    ).toBe(false);
    expect(isConditionFailure(new Error('ConditionalCheckFailedException'))).toBe(false);
  });
});

describe('the ledgers on the small client', () => {
  it('finds an approval link taken when its claim’s condition fails', async () => {
    const { db } = fakeDynamo([{}, conditionFailed()]);
    const ledger = new DynamoTokenLedger(db, 't');

    expect(await ledger.claim('abc', 1795366000)).toBe(true);
    expect(await ledger.claim('abc', 1795366000)).toBe(false);
  });

  it('lets any other failure of a link claim through, so the page says nothing was recorded', async () => {
    const outage = new AwsRequestError('dynamodb', 'PutItem', 'InternalServerError', 500, 'down');
    const { db } = fakeDynamo([outage]);

    await expect(new DynamoTokenLedger(db, 't').claim('abc', 1795366000)).rejects.toBe(outage);
  });

  it('reads a notification claim that fails its condition: sent is a duplicate, claimed is in progress', async () => {
    const sent = fakeDynamo([conditionFailed(), { Item: { status: { S: 'sent' } } }]);
    const claimed = fakeDynamo([conditionFailed(), { Item: { status: { S: 'claimed' } } }]);

    expect(await new DynamoDeliveryLedger(sent.db, 't').claim('k')).toBe('sent');
    await expect(new DynamoDeliveryLedger(claimed.db, 't').claim('k')).rejects.toBeInstanceOf(
      DeliveryInProgressError,
    );
  });

  it('reports a table outage while claiming a notification as a DeliveryLedgerError', async () => {
    const { db } = fakeDynamo([
      new AwsRequestError('dynamodb', 'PutItem', 'NetworkError', undefined, 'reset'),
    ]);

    await expect(new DynamoDeliveryLedger(db, 't').claim('k')).rejects.toBeInstanceOf(DeliveryLedgerError);
  });
});
