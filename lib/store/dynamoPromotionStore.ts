/**
 * PromotionStore on one DynamoDB table:
 *   pk MODEL#<name>  sk VERSION#<000000000007>     the version's state (revision-guarded)
 *   pk AUDIT#<name>  sk <ISO time>#<version>#<n>   audit entries, in time order
 *   pk FAILURE#<name> sk <ISO time>#<message id>#<n> why an event failed (expires with TTL)
 *   pk CHAMPIONS     sk <name>                     Baton's champion of each model
 *   pk RECONCILER    sk WATERMARK                  the registry sweep's progress
 * Version records with a deadline also carry dueShard='due' and dueAt, the sparse DueIndex.
 * State and audit entries are written in one transaction, conditional on the revision read.
 *
 * @example
 *   const store = new DynamoPromotionStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'baton-prod');
 *   await store.saveVersion(next, state?.revision ?? 0, audit);
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, auditEntrySchema, type VersionState, versionStateSchema } from '../domain/state';
import type { EventFailure, PromotionStore } from '../promotion/ports';
import { StaleStateError, StoreError } from './errors';

const modelKey = (model: string) => `MODEL#${model}`;
const versionKey = (version: string) => `VERSION#${version.padStart(12, '0')}`;
const auditKey = (model: string) => `AUDIT#${model}`;
const failureKey = (model: string) => `FAILURE#${model}`;

const dueShard = 'due';

function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, dueShard: _dueShard, ...rest } = item;
  return rest as T;
}

/** Records are plain JSON; optional fields that are unset are simply absent. */
function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class DynamoPromotionStore implements PromotionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getVersion(model: string, version: string): Promise<VersionState | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: modelKey(model), sk: versionKey(version) },
        ConsistentRead: true,
      }),
    );
    return Item ? versionStateSchema.parse(stripKeys(Item)) : null;
  }

  async saveVersion(next: VersionState, expectedRevision: number, audit: AuditEntry[]): Promise<void> {
    const guard =
      expectedRevision === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#revision = :expected',
            ExpressionAttributeNames: { '#revision': 'revision' },
            ExpressionAttributeValues: { ':expected': expectedRevision },
          };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk: modelKey(next.model),
                  sk: versionKey(next.version),
                  ...withoutUndefined(next),
                  // Only records with a deadline are in the sparse DueIndex.
                  ...(next.dueAt !== undefined && { dueShard: dueShard }),
                },
                ...guard,
              },
            },
            ...audit.map((entry, i) => ({
              Put: {
                TableName: this.table,
                Item: { pk: auditKey(entry.model), sk: `${entry.at}#${entry.version ?? '-'}#${i}`, ...entry },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        throw new StaleStateError(next.model, next.version, error);
      }
      throw new StoreError(`could not store ${next.model} v${next.version}`, { cause: error });
    }
  }

  private async queryAll(pk: string, prefix?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(prefix && { ':prefix': prefix }) },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async listVersions(model: string): Promise<VersionState[]> {
    const items = await this.queryAll(modelKey(model), 'VERSION#');
    return items.map((item) => versionStateSchema.parse(stripKeys(item)));
  }

  async listAudit(model: string): Promise<AuditEntry[]> {
    const items = await this.queryAll(auditKey(model));
    return items.map((item) => auditEntrySchema.parse(stripKeys(item)));
  }

  async knownVersions(model: string, versions: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let i = 0; i < versions.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = versions
        .slice(i, i + 100)
        .map((v) => ({ pk: modelKey(model), sk: versionKey(v) }));
      // BatchGet may return some keys unprocessed under load; ask again for those.
      while (keys?.length) {
        const page: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({
            RequestItems: {
              [this.table]: {
                Keys: keys,
                ProjectionExpression: '#version',
                ExpressionAttributeNames: { '#version': 'version' },
              },
            },
          }),
        );
        for (const item of page.Responses?.[this.table] ?? []) known.add(String(item.version));
        keys = page.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return known;
  }

  async recordFailure(failure: EventFailure): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: failureKey(failure.model),
          sk: `${failure.at}#${failure.messageId}#${failure.receiveCount}`,
          ...failure,
          // Kept as long as SQS keeps the message (14 days), then expired by the table's TTL.
          expiresAt: Math.floor(Date.parse(failure.at) / 1000) + 14 * 86_400,
        },
      }),
    );
  }

  async listFailures(model: string, limit = 20): Promise<EventFailure[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': failureKey(model) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((item) => {
      const { expiresAt: _expiresAt, ...failure } = stripKeys<EventFailure & { expiresAt?: number }>(item);
      return failure;
    });
  }

  async getChampion(model: string): Promise<string | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: 'CHAMPIONS', sk: model }, ConsistentRead: true }),
    );
    return typeof Item?.version === 'string' ? Item.version : null;
  }

  async setChampion(model: string, version: string, at: string): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { pk: 'CHAMPIONS', sk: model, model, version, at } }),
    );
  }

  async listChampions(): Promise<Array<{ model: string; version: string }>> {
    const items = await this.queryAll('CHAMPIONS');
    return items.map((item) => ({ model: String(item.model), version: String(item.version) }));
  }

  async dueVersions(
    nowMs: number,
    limit = 100,
  ): Promise<Array<{ model: string; version: string; dueAt: number }>> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'DueIndex',
        KeyConditionExpression: 'dueShard = :due AND dueAt <= :now',
        ExpressionAttributeValues: { ':due': dueShard, ':now': nowMs },
        Limit: limit,
      }),
    );
    return Items.map((item) => ({
      model: String(item.model),
      version: String(item.version),
      dueAt: Number(item.dueAt),
    }));
  }

  async getWatermark(): Promise<number | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: 'RECONCILER', sk: 'WATERMARK' },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.ms === 'number' ? Item.ms : null;
  }

  async setWatermark(ms: number): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { pk: 'RECONCILER', sk: 'WATERMARK', ms } }),
    );
  }
}
