/**
 * The model-level records of lib/domain/ports.ts `ModelLedger`, in Baton's one table:
 *   pk LEASE           sk <model>                                the rollout lease (conditional writes)
 *   pk ALERTS#<model>  sk SEEN#<source:fingerprint>#<ISO time>   each firing notification (TTL 30 d)
 *   pk ALERTS#<model>  sk ACTED#<episode>                        an alert episode acted on (TTL 30 d)
 *   pk RETRAIN         sk <model>                                when retraining was last requested
 *   pk AUDIT#<model>   sk <ISO time>#-#<n>                       model-level audit entries
 *
 * Speaks DynamoDB through the official DocumentClient (injected: lib/wiring/dynamoClient.ts).
 *
 * @example
 *   const ledger = new DynamoModelLedger(dynamoDocumentClient(), 'baton-prod');
 *   await ledger.takeLease('fraud-detector', '7', new Date().toISOString());
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LiveRollouts } from '../../domain/analysisPorts';
import type { ModelLedger } from '../../domain/ports';
import type { AuditEntry } from '../../domain/state';
import { type DynamoDocuments, getItem, isConditionFailure, queryAll } from './dynamoTable';
import { LeaseBusyError } from './errors';

const alertRetentionSeconds = 30 * 24 * 3600;

export class DynamoModelLedger implements ModelLedger, LiveRollouts {
  private auditSeq = 0;

  constructor(
    private readonly db: DynamoDocuments,
    private readonly table: string,
  ) {}

  async leaseHolder(model: string): Promise<string | null> {
    const item = await getItem(this.db, {
      TableName: this.table,
      Key: { pk: 'LEASE', sk: model },
      ConsistentRead: true,
    });
    return item ? String(item.version) : null;
  }

  /** Every lease: the canaries live now, one Query of the LEASE partition. */
  async liveRollouts(): Promise<Array<{ model: string; version: string }>> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'LEASE' },
    });
    return items.map((item) => ({ model: String(item.sk), version: String(item.version) }));
  }

  async takeLease(model: string, version: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: 'LEASE', sk: model, model, version, at },
          ConditionExpression: 'attribute_not_exists(pk) OR version = :version',
          ExpressionAttributeValues: { ':version': version },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new LeaseBusyError(model, version, error);
      throw error;
    }
  }

  async releaseLease(model: string, version: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: 'LEASE', sk: model },
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': version },
        }),
      );
    } catch (error) {
      // Held by another version, or already free: nothing of ours to release.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async alertHistory(model: string, fingerprint: string, episode: string) {
    const [acted, seen] = await Promise.all([
      getItem(this.db, {
        TableName: this.table,
        Key: { pk: `ALERTS#${model}`, sk: `ACTED#${episode}` },
        ConsistentRead: true,
      }),
      queryAll(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `ALERTS#${model}`, ':prefix': `SEEN#${fingerprint}#` },
        ScanIndexForward: false,
        Limit: 200,
      }),
    ]);
    return {
      acted: acted !== undefined,
      firings: seen.map((i) => Date.parse(String(i.at))),
    };
  }

  async recordAlert(
    model: string,
    record: { fingerprint: string; episode: string; action: string; acted: boolean; at: string },
  ): Promise<void> {
    const expiresAt = Math.floor(Date.parse(record.at) / 1000) + alertRetentionSeconds;
    const pk = `ALERTS#${model}`;
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk,
          sk: `SEEN#${record.fingerprint}#${record.at}`,
          at: record.at,
          action: record.action,
          expiresAt,
        },
      }),
    );
    if (record.acted) {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk, sk: `ACTED#${record.episode}`, at: record.at, action: record.action, expiresAt },
        }),
      );
    }
  }

  async lastRetrain(model: string): Promise<string | null> {
    const item = await getItem(this.db, {
      TableName: this.table,
      Key: { pk: 'RETRAIN', sk: model },
      ConsistentRead: true,
    });
    return item ? String(item.at) : null;
  }

  async recordRetrain(model: string, at: string): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { pk: 'RETRAIN', sk: model, model, at } }),
    );
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `AUDIT#${entry.model}`,
          sk: `${entry.at}#${entry.version ?? '-'}#m${this.auditSeq++}`,
          ...entry,
        },
      }),
    );
  }
}
