/**
 * What Baton's DynamoDB adapters share on top of the official DocumentClient (lib-dynamodb): a
 * Query read to its last page, a BatchGetItem that asks again for unprocessed keys (a bounded
 * number of times), and the two ways DynamoDB says a condition was false. The client itself is
 * injected (lib/wiring/dynamoClient.ts `dynamoDocumentClient`), so tests hand in a fake `send`.
 *
 * @example
 *   const items = await queryAll(db, { TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CHAMPIONS' } });
 */
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { awsFailure } from '../aws/awsErrors';
import { StoreError } from './errors';

/** The DocumentClient as the adapters use it: one `send` per command. */
export type DynamoDocuments = Pick<DynamoDBDocumentClient, 'send'>;

type Document = Record<string, unknown>;

/** Rounds of BatchGetItem for the keys DynamoDB left unprocessed before the read gives up. */
export const batchGetRounds = 8;

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Whether `error` is DynamoDB refusing a write because its ConditionExpression was false. */
export function isConditionFailure(error: unknown): boolean {
  return awsFailure(error)?.code === 'ConditionalCheckFailedException';
}

/**
 * Why each item of a cancelled TransactWriteItems failed, in request order (`None` for the items
 * that did not), or undefined when `error` is no cancelled transaction.
 *
 * @example
 *   cancellationReasons(error)?.includes('ConditionalCheckFailed'); // a condition was false
 */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (awsFailure(error)?.code !== 'TransactionCanceledException') return undefined;
  const { CancellationReasons: reasons, message } = error as Error & {
    CancellationReasons?: Array<{ Code?: string }>;
  };
  if (reasons) return reasons.map((r) => r.Code ?? 'None');
  // Without the structured list, DynamoDB's message still names them: "... [None, ConditionalCheckFailed]".
  const listed = /\[([^\]]*)\]\s*$/.exec(message)?.[1];
  return listed === undefined ? [] : listed.split(',').map((code) => code.trim());
}

/**
 * GetItem: the item, or undefined when there is none.
 *
 * @example
 *   await getItem(db, { TableName, Key: { pk: 'LEASE', sk: 'fraud' }, ConsistentRead: true });
 */
export async function getItem(db: DynamoDocuments, input: GetCommandInput): Promise<Document | undefined> {
  return (await db.send(new GetCommand(input))).Item;
}

/**
 * Query: every page's items, in order; with a Limit, only the first page (at most Limit items).
 * `pageSize` sets the page size when reading every page (tests force pagination with it).
 *
 * @example
 *   await queryAll(db, { TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CHAMPIONS' } });
 */
export async function queryAll(
  db: DynamoDocuments,
  input: QueryCommandInput,
  pageSize?: number,
): Promise<Document[]> {
  const request = { ...input, ...(pageSize !== undefined && { Limit: pageSize }) };
  const items: Document[] = [];
  let start: Document | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...request, ...(start && { ExclusiveStartKey: start }) }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
    // A Limit asks for one page of at most that many items, as QueryCommand itself does.
  } while (start && input.Limit === undefined);
  return items;
}

/** BatchGetItem found only part of the keys after every round; the caller retries later. */
export class UnprocessedKeysError extends StoreError {
  constructor(readonly unprocessed: number) {
    super(`DynamoDB left ${unprocessed} keys unprocessed after ${batchGetRounds} rounds`);
    this.name = 'UnprocessedKeysError';
  }
}

/**
 * BatchGetItem on one table (at most 100 keys): the items found, in no particular order, asking
 * again with a short jittered backoff for the keys DynamoDB left unprocessed under load — at most
 * `batchGetRounds` times, then UnprocessedKeysError.
 *
 * @example
 *   await batchGetAll(db, 'baton-prod', { Keys: [{ pk: 'MODEL#fraud', sk: 'VERSION#000000000007' }] });
 */
export async function batchGetAll(
  db: DynamoDocuments,
  table: string,
  request: NonNullable<BatchGetCommandInput['RequestItems']>[string],
): Promise<Document[]> {
  const items: Document[] = [];
  let keys = request.Keys ?? [];
  for (let round = 0; keys.length > 0; round++) {
    if (round >= batchGetRounds) throw new UnprocessedKeysError(keys.length);
    if (round > 0) await sleep(Math.min(1000, 25 * 2 ** round) * (0.5 + Math.random() / 2));
    const page = await db.send(
      new BatchGetCommand({ RequestItems: { [table]: { ...request, Keys: keys } } }),
    );
    items.push(...(page.Responses?.[table] ?? []));
    keys = page.UnprocessedKeys?.[table]?.Keys ?? [];
  }
  return items;
}
