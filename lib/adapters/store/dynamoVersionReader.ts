/**
 * The one read the approvals page makes of the promotion table: a version's state, for the review
 * page's phase and checks. DynamoPromotionStore does the same read; this reader carries only that
 * read (and not the whole store) into the approvals bundle. It reads DynamoPromotionStore's layout
 * (pk MODEL#<name>, sk VERSION#<zero-padded version>); test/integration/dynamoStore.test.ts
 * reads what DynamoPromotionStore wrote, so the two cannot drift apart unnoticed.
 *
 * @example
 *   const reader = new DynamoVersionReader(dynamoDocumentClient(), 'baton-prod');
 *   await reader.getVersion('fraud', '7'); // VersionState | null
 */

import type { PromotionStore } from '../../domain/ports';
import { type AuditEntry, auditEntrySchema, type VersionState, versionStateSchema } from '../../domain/state';
import { type DynamoDocuments, getItem, queryAll } from './dynamoTable';

export class DynamoVersionReader implements Pick<PromotionStore, 'getVersion' | 'listAudit'> {
  constructor(
    private readonly db: DynamoDocuments,
    private readonly table: string,
  ) {}

  async getVersion(model: string, version: string): Promise<VersionState | null> {
    const item = await getItem(this.db, {
      TableName: this.table,
      Key: { pk: `MODEL#${model}`, sk: `VERSION#${version.padStart(12, '0')}` },
      ConsistentRead: true,
    });
    if (!item) return null;
    const { pk: _pk, sk: _sk, dueShard: _dueShard, ...state } = item;
    return versionStateSchema.parse(state);
  }

  /** The model's audit trail, where a link's decision finds its answer (`link:<id>`) for a later visit. */
  async listAudit(model: string): Promise<AuditEntry[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${model}` },
      ConsistentRead: true,
    });
    return items.map(({ pk: _pk, sk: _sk, ...entry }) => auditEntrySchema.parse(entry));
  }
}
