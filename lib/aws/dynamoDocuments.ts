/**
 * The DynamoDB operations Baton uses (GetItem, PutItem, UpdateItem, DeleteItem, Query,
 * BatchGetItem, TransactWriteItems) with plain JSON items, over the small signed JSON client
 * (awsJson1_0) instead of @aws-sdk/lib-dynamodb, whose shared core would be most of a function's
 * cold start. Inputs are the SDK DocumentClient commands' inputs; items, keys and expression values
 * are marshalled by dynamoAttributes.ts. Failures reject with AwsRequestError (isConditionFailure
 * tells a failed ConditionExpression apart; cancellationReasons reads a cancelled transaction).
 *
 * @example
 *   const db = new DynamoDocuments(dynamoJsonClient(signingFromEnvironment()));
 *   await db.put({ TableName: 'baton-prod', Item: { pk: 'TOKEN#ab', sk: 'USED' }, ConditionExpression: 'attribute_not_exists(pk)' });
 */
import { type AttributeMap, fromAttributes, toAttributes } from './dynamoAttributes';
import { AwsRequestError } from './errors';
import { SignedJsonClient, type SignedJsonClientOptions } from './signedJsonClient';

type Document = Record<string, unknown>;

/** The expression parts of a request, with plain values (marshalled on the way out). */
export interface Expressions {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Document;
}

/**
 * A SignedJsonClient for DynamoDB (honours AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL).
 *
 * @example
 *   const dynamo = dynamoJsonClient({ region: 'eu-west-1', credentials });
 */
export function dynamoJsonClient(
  signing: Pick<SignedJsonClientOptions, 'region' | 'credentials'>,
  options: Pick<SignedJsonClientOptions, 'env' | 'fetch' | 'timeoutMs' | 'retries'> = {},
): SignedJsonClient {
  return new SignedJsonClient({
    ...options,
    region: signing.region,
    credentials: signing.credentials,
    service: 'dynamodb',
    endpointPrefix: 'dynamodb',
    target: 'DynamoDB_20120810',
    version: '1.0',
    endpointEnvName: 'DYNAMODB',
  });
}

/** Whether `error` is DynamoDB refusing a write because its ConditionExpression was false. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof AwsRequestError && error.code === 'ConditionalCheckFailedException';
}

/**
 * Why each item of a cancelled TransactWriteItems failed, in request order (`None` for the items
 * that did not), or undefined when `error` is no cancelled transaction.
 *
 * @example
 *   cancellationReasons(error)?.includes('ConditionalCheckFailed'); // a condition was false
 */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof AwsRequestError) || error.code !== 'TransactionCanceledException') return undefined;
  const details = error.details as { CancellationReasons?: Array<{ Code?: string }> } | undefined;
  if (details?.CancellationReasons) return details.CancellationReasons.map((r) => r.Code ?? 'None');
  // Without the structured list, DynamoDB's message still names them: "... [None, ConditionalCheckFailed]".
  const listed = /\[([^\]]*)\]\s*$/.exec(error.message)?.[1];
  return listed === undefined ? [] : listed.split(',').map((code) => code.trim());
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function expressions({ ExpressionAttributeValues: values, ...rest }: Expressions) {
  return { ...rest, ...(values && { ExpressionAttributeValues: toAttributes(values) }) };
}

export class DynamoDocuments {
  constructor(private readonly dynamo: Pick<SignedJsonClient, 'call'>) {}

  /** GetItem: the item, or undefined when there is none. */
  async get(input: {
    TableName: string;
    Key: Document;
    ConsistentRead?: boolean;
  }): Promise<Document | undefined> {
    const { Item } = await this.dynamo.call<{ Item?: AttributeMap }>('GetItem', {
      ...input,
      Key: toAttributes(input.Key),
    });
    return Item && fromAttributes(Item);
  }

  /** PutItem, conditional when the input has a ConditionExpression. */
  async put(input: { TableName: string; Item: Document } & Expressions): Promise<void> {
    const { Item, ...rest } = input;
    await this.dynamo.call('PutItem', { ...expressions(rest), Item: toAttributes(Item) });
  }

  /** UpdateItem with an UpdateExpression. */
  async update(
    input: { TableName: string; Key: Document; UpdateExpression: string } & Expressions,
  ): Promise<void> {
    const { Key, ...rest } = input;
    await this.dynamo.call('UpdateItem', { ...expressions(rest), Key: toAttributes(Key) });
  }

  /** DeleteItem, conditional when the input has a ConditionExpression. */
  async delete(input: { TableName: string; Key: Document } & Expressions): Promise<void> {
    const { Key, ...rest } = input;
    await this.dynamo.call('DeleteItem', { ...expressions(rest), Key: toAttributes(Key) });
  }

  /**
   * Query: every page's items, in order; with a Limit, only the first page (at most Limit items).
   *
   * @example
   *   await db.query({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CHAMPIONS' } });
   */
  async query(
    input: {
      TableName: string;
      KeyConditionExpression: string;
      IndexName?: string;
      ScanIndexForward?: boolean;
      Limit?: number;
      ConsistentRead?: boolean;
      /** Internal: the page size when reading every page (tests force pagination with it). */
      pageSize?: number;
    } & Omit<Expressions, 'ConditionExpression'>,
  ): Promise<Document[]> {
    const { pageSize, ...rest } = input;
    const request = { ...expressions(rest), ...(pageSize !== undefined && { Limit: pageSize }) };
    const items: Document[] = [];
    let start: AttributeMap | undefined;
    do {
      const page: { Items?: AttributeMap[]; LastEvaluatedKey?: AttributeMap } = await this.dynamo.call(
        'Query',
        { ...request, ...(start && { ExclusiveStartKey: start }) },
      );
      for (const item of page.Items ?? []) items.push(fromAttributes(item));
      start = page.LastEvaluatedKey;
      // A Limit asks for one page of at most that many items, as the SDK's QueryCommand does.
    } while (start && input.Limit === undefined);
    return items;
  }

  /**
   * BatchGetItem on one table: the items found (in no particular order), asking again for the
   * keys DynamoDB left unprocessed under load, with a short backoff. At most 100 keys a call.
   *
   * @example
   *   await db.batchGet({ TableName, Keys: [{ pk: 'MODEL#fraud', sk: 'VERSION#000000000007' }] });
   */
  async batchGet(input: {
    TableName: string;
    Keys: Document[];
    ProjectionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
  }): Promise<Document[]> {
    const { TableName, Keys, ...projection } = input;
    const items: Document[] = [];
    let keys: AttributeMap[] = Keys.map(toAttributes);
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2));
      const page = await this.dynamo.call<{
        Responses?: Record<string, AttributeMap[]>;
        UnprocessedKeys?: Record<string, { Keys?: AttributeMap[] }>;
      }>('BatchGetItem', { RequestItems: { [TableName]: { ...projection, Keys: keys } } });
      for (const item of page.Responses?.[TableName] ?? []) items.push(fromAttributes(item));
      keys = page.UnprocessedKeys?.[TableName]?.Keys ?? [];
    }
    return items;
  }

  /**
   * TransactWriteItems of Puts, each conditional when it has a ConditionExpression: all or none.
   * A false condition cancels the whole transaction (see cancellationReasons).
   *
   * @example
   *   await db.transactWrite([{ Put: { TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } }]);
   */
  async transactWrite(
    items: Array<{ Put: { TableName: string; Item: Document } & Expressions }>,
  ): Promise<void> {
    await this.dynamo.call('TransactWriteItems', {
      TransactItems: items.map(({ Put: { Item, ...rest } }) => ({
        Put: { ...expressions(rest), Item: toAttributes(Item) },
      })),
    });
  }
}
