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
 * Speaks DynamoDB through the small signed client (lib/aws/dynamoDocuments), so the worker and the
 * tick bundle no SDK client.
 *
 * @example
 *   const store = new DynamoPromotionStore(new DynamoDocuments(dynamoJsonClient(signingFromEnvironment())), 'baton-prod');
 *   await store.saveVersion(next, state?.revision ?? 0, audit);
 */
import { cancellationReasons, type DynamoDocuments } from '../aws/dynamoDocuments';
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

export interface DynamoPromotionStoreOptions {
  /** Items per Query page when reading a whole partition (default: DynamoDB's 1 MB pages); tests force pagination with it. */
  pageSize?: number;
}

export class DynamoPromotionStore implements PromotionStore {
  constructor(
    private readonly db: Pick<DynamoDocuments, 'get' | 'put' | 'query' | 'batchGet' | 'transactWrite'>,
    private readonly table: string,
    private readonly options: DynamoPromotionStoreOptions = {},
  ) {}

  async getVersion(model: string, version: string): Promise<VersionState | null> {
    const item = await this.db.get({
      TableName: this.table,
      Key: { pk: modelKey(model), sk: versionKey(version) },
      ConsistentRead: true,
    });
    return item ? versionStateSchema.parse(stripKeys(item)) : null;
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
      await this.db.transactWrite([
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
      ]);
    } catch (error) {
      // A false revision guard (or an audit key already taken) cancels the transaction: someone wrote first.
      if (cancellationReasons(error)?.includes('ConditionalCheckFailed')) {
        throw new StaleStateError(next.model, next.version, error);
      }
      throw new StoreError(`could not store ${next.model} v${next.version}`, { cause: error });
    }
  }

  private async queryAll(pk: string, prefix?: string): Promise<Record<string, unknown>[]> {
    return this.db.query({
      TableName: this.table,
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(prefix && { ':prefix': prefix }) },
      ConsistentRead: true,
      ...(this.options.pageSize !== undefined && { pageSize: this.options.pageSize }),
    });
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
    // BatchGetItem takes at most 100 keys; unprocessed keys are asked for again by batchGet.
    for (let i = 0; i < versions.length; i += 100) {
      const items = await this.db.batchGet({
        TableName: this.table,
        Keys: versions.slice(i, i + 100).map((v) => ({ pk: modelKey(model), sk: versionKey(v) })),
        ProjectionExpression: '#version',
        ExpressionAttributeNames: { '#version': 'version' },
      });
      for (const item of items) known.add(String(item.version));
    }
    return known;
  }

  async recordFailure(failure: EventFailure): Promise<void> {
    await this.db.put({
      TableName: this.table,
      Item: {
        pk: failureKey(failure.model),
        sk: `${failure.at}#${failure.messageId}#${failure.receiveCount}`,
        ...failure,
        // Kept as long as SQS keeps the message (14 days), then expired by the table's TTL.
        expiresAt: Math.floor(Date.parse(failure.at) / 1000) + 14 * 86_400,
      },
    });
  }

  async listFailures(model: string, limit = 20): Promise<EventFailure[]> {
    const items = await this.db.query({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': failureKey(model) },
      ScanIndexForward: false,
      Limit: limit,
    });
    return items.map((item) => {
      const { expiresAt: _expiresAt, ...failure } = stripKeys<EventFailure & { expiresAt?: number }>(item);
      return failure;
    });
  }

  async getChampion(model: string): Promise<string | null> {
    const item = await this.db.get({
      TableName: this.table,
      Key: { pk: 'CHAMPIONS', sk: model },
      ConsistentRead: true,
    });
    return typeof item?.version === 'string' ? item.version : null;
  }

  async setChampion(model: string, version: string, at: string): Promise<void> {
    await this.db.put({ TableName: this.table, Item: { pk: 'CHAMPIONS', sk: model, model, version, at } });
  }

  async listChampions(): Promise<Array<{ model: string; version: string }>> {
    const items = await this.queryAll('CHAMPIONS');
    return items.map((item) => ({ model: String(item.model), version: String(item.version) }));
  }

  async dueVersions(
    nowMs: number,
    limit = 100,
  ): Promise<Array<{ model: string; version: string; dueAt: number }>> {
    const items = await this.db.query({
      TableName: this.table,
      IndexName: 'DueIndex',
      KeyConditionExpression: 'dueShard = :due AND dueAt <= :now',
      ExpressionAttributeValues: { ':due': dueShard, ':now': nowMs },
      Limit: limit,
    });
    return items.map((item) => ({
      model: String(item.model),
      version: String(item.version),
      dueAt: Number(item.dueAt),
    }));
  }

  async getWatermark(): Promise<number | null> {
    const item = await this.db.get({
      TableName: this.table,
      Key: { pk: 'RECONCILER', sk: 'WATERMARK' },
      ConsistentRead: true,
    });
    return typeof item?.ms === 'number' ? item.ms : null;
  }

  async setWatermark(ms: number): Promise<void> {
    await this.db.put({ TableName: this.table, Item: { pk: 'RECONCILER', sk: 'WATERMARK', ms } });
  }
}
