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
 * Speaks DynamoDB through the official DocumentClient (injected: lib/wiring/dynamoClient.ts). The
 * transaction carries a ClientRequestToken derived from the write itself, so when the SDK retries
 * a transaction whose first attempt committed, DynamoDB recognises it instead of failing the
 * revision guard (a false StaleStateError).
 *
 * @example
 *   const store = new DynamoPromotionStore(dynamoDocumentClient(), 'baton-prod');
 *   await store.saveVersion(next, state?.revision ?? 0, audit);
 */
import { createHash } from 'node:crypto';
import {
  PutCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { EventFailure, PromotionStore } from '../../domain/ports';
import { type AuditEntry, auditEntrySchema, type VersionState, versionStateSchema } from '../../domain/state';
import { batchGetAll, cancellationReasons, type DynamoDocuments, getItem, queryAll } from './dynamoTable';
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

/**
 * The transaction's idempotency token (at most 36 characters): a hash of the whole write, so the
 * SDK's retry of a committed attempt is recognised by DynamoDB, while another write of the same
 * revision (a race, a redelivered event decided again) is not mistaken for it.
 */
function requestToken(next: VersionState, items: unknown): string {
  const write = JSON.stringify([modelKey(next.model), versionKey(next.version), next.revision, items]);
  return createHash('sha256').update(write).digest('hex').slice(0, 36);
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
    private readonly db: DynamoDocuments,
    private readonly table: string,
    private readonly options: DynamoPromotionStoreOptions = {},
  ) {}

  async getVersion(model: string, version: string): Promise<VersionState | null> {
    const item = await getItem(this.db, {
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
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
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
    ];
    try {
      await this.db.send(
        new TransactWriteCommand({ TransactItems: items, ClientRequestToken: requestToken(next, items) }),
      );
    } catch (error) {
      // A false revision guard (or an audit key already taken) cancels the transaction: someone wrote first.
      // A token already used for another write means the same: another writer took this revision.
      if (
        cancellationReasons(error)?.includes('ConditionalCheckFailed') ||
        (error as Error).name === 'IdempotentParameterMismatchException'
      ) {
        throw new StaleStateError(next.model, next.version, error);
      }
      throw new StoreError(`could not store ${next.model} v${next.version}`, { cause: error });
    }
  }

  private async queryAll(pk: string, prefix?: string): Promise<Record<string, unknown>[]> {
    const input: QueryCommandInput = {
      TableName: this.table,
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(prefix && { ':prefix': prefix }) },
      ConsistentRead: true,
    };
    return queryAll(this.db, input, this.options.pageSize);
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
    // BatchGetItem takes at most 100 keys; unprocessed keys are asked for again by batchGetAll.
    for (let i = 0; i < versions.length; i += 100) {
      const items = await batchGetAll(this.db, this.table, {
        Keys: versions.slice(i, i + 100).map((v) => ({ pk: modelKey(model), sk: versionKey(v) })),
        ProjectionExpression: '#version',
        ExpressionAttributeNames: { '#version': 'version' },
      });
      for (const item of items) known.add(String(item.version));
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
    const items = await queryAll(this.db, {
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
    const item = await getItem(this.db, {
      TableName: this.table,
      Key: { pk: 'CHAMPIONS', sk: model },
      ConsistentRead: true,
    });
    return typeof item?.version === 'string' ? item.version : null;
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
    const items = await queryAll(this.db, {
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
    const item = await getItem(this.db, {
      TableName: this.table,
      Key: { pk: 'RECONCILER', sk: 'WATERMARK' },
      ConsistentRead: true,
    });
    return typeof item?.ms === 'number' ? item.ms : null;
  }

  async setWatermark(ms: number): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { pk: 'RECONCILER', sk: 'WATERMARK', ms } }),
    );
  }
}
