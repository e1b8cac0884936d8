/**
 * The poll intake's cursors in Baton's table (lib/domain/pollPorts.ts `PollCursors`), and how far
 * discovery got through the model listing (`DynamoDirectoryProgress`). Cursors: one item per
 * managed model under one partition, pk `POLL`, sk the model, so the tick reads them all with one
 * Query (10,000 models are about 1.5 MB: two pages) and its role's writes are limited to that
 * partition (dynamodb:LeadingKeys). A write never moves a cursor back: an overlapping tick that read
 * an older cursor loses the conditional write, and its save is dropped (the newer one stands).
 * Speaks DynamoDB through the official DocumentClient (injected: lib/wiring/dynamoClient.ts).
 *
 * @example
 *   const cursors = new DynamoPollCursors(dynamoDocumentClient(), 'baton-prod');
 *   await cursors.save({ model: 'main.fraud.detector', version: 7, lastActivityMs: 1, lastPolledMs: 2 });
 */
import { PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type {
  DirectoryProgress,
  DirectoryProgressStore,
  PollCursor,
  PollCursors,
} from '../../domain/pollPorts';
import { type DynamoDocuments, getItem, isConditionFailure, queryAll } from './dynamoTable';

/** The partition key of every cursor (the tick role's only writable partition besides RECONCILER). */
export const pollCursorPartition = 'POLL';

const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);

export class DynamoPollCursors implements PollCursors {
  constructor(
    private readonly db: DynamoDocuments,
    private readonly table: string,
  ) {}

  async all(): Promise<PollCursor[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pollCursorPartition },
    });
    return items.map((item) => ({
      model: String(item.sk),
      version: Number(item.version ?? 0),
      lastActivityMs: numberOrNull(item.lastActivityMs),
      lastPolledMs: numberOrNull(item.lastPolledMs),
      ...(typeof item.firstPollSinceMs === 'number' && { firstPollSinceMs: item.firstPollSinceMs }),
    }));
  }

  async save(cursor: PollCursor): Promise<void> {
    // Another tick already moved this cursor further: its write stands.
    await this.putUnless(
      {
        version: cursor.version,
        ...(cursor.lastActivityMs !== null && { lastActivityMs: cursor.lastActivityMs }),
        ...(cursor.lastPolledMs !== null && { lastPolledMs: cursor.lastPolledMs }),
      },
      cursor.model,
      {
        ConditionExpression: 'attribute_not_exists(pk) OR #version <= :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': cursor.version },
      },
    );
  }

  async discover(cursor: PollCursor): Promise<void> {
    // The model has a cursor already (another tick found it first, or it was polled): it stands.
    await this.putUnless(
      {
        version: cursor.version,
        ...(cursor.firstPollSinceMs !== undefined && { firstPollSinceMs: cursor.firstPollSinceMs }),
      },
      cursor.model,
      { ConditionExpression: 'attribute_not_exists(pk)' },
    );
  }

  /** Puts the model's cursor item when the condition holds; a failed condition leaves the stored one. */
  private async putUnless(
    fields: Record<string, number>,
    model: string,
    condition: Pick<
      PutCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: pollCursorPartition, sk: model, ...fields },
          ...condition,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw error;
    }
  }
}

/**
 * How far discovery got through the registry's model listing: one item, pk RECONCILER (the tick
 * role's other writable partition), sk POLL_DIRECTORY.
 *
 * @example
 *   await new DynamoDirectoryProgress(dynamoDocumentClient(), 'baton-prod').get(); // null before the first tick
 */
export class DynamoDirectoryProgress implements DirectoryProgressStore {
  constructor(
    private readonly db: DynamoDocuments,
    private readonly table: string,
  ) {}

  async get(): Promise<DirectoryProgress | null> {
    const item = await getItem(this.db, {
      TableName: this.table,
      Key: { pk: 'RECONCILER', sk: 'POLL_DIRECTORY' },
      ConsistentRead: true,
    });
    if (typeof item?.passStartedMs !== 'number') return null;
    return {
      passStartedMs: item.passStartedMs,
      previousPassStartedMs: numberOrNull(item.previousPassStartedMs),
      ...(typeof item.pageToken === 'string' && { pageToken: item.pageToken }),
    };
  }

  async save(progress: DirectoryProgress): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: 'RECONCILER',
          sk: 'POLL_DIRECTORY',
          passStartedMs: progress.passStartedMs,
          ...(progress.previousPassStartedMs !== null && {
            previousPassStartedMs: progress.previousPassStartedMs,
          }),
          ...(progress.pageToken && { pageToken: progress.pageToken }),
        },
      }),
    );
  }
}
