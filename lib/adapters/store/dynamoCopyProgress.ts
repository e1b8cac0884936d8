/**
 * The CopyProgressStore port on Baton's DynamoDB table: one item per copy in progress
 * (`pk` COPY, `sk` the copy's key), listing the files done with their SHA-256, so a copy that
 * ran out of one invocation's time continues after them. Items expire a week after their last
 * write (the table's TTL attribute): a finished copy is found by its lineage tag, not here.
 *
 * @example
 *   const progress = new DynamoCopyProgress(db, 'baton-prod');
 *   await progress.put('staging/fraud/7->prod/prod.fraud', { files: [], updatedAt: '…' });
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CopyProgress, CopyProgressStore } from '../../domain/copyPorts';
import { type DynamoDocuments, getItem } from './dynamoTable';

const WEEK_SECONDS = 7 * 24 * 3600;

export class DynamoCopyProgress implements CopyProgressStore {
  constructor(
    private readonly db: DynamoDocuments,
    private readonly tableName: string,
  ) {}

  async get(key: string): Promise<CopyProgress | null> {
    const item = await getItem(this.db, {
      TableName: this.tableName,
      Key: { pk: 'COPY', sk: key },
      ConsistentRead: true,
    });
    return item ? { files: item.files as CopyProgress['files'], updatedAt: String(item.updatedAt) } : null;
  }

  async put(key: string, progress: CopyProgress): Promise<void> {
    const expiresAt = Math.floor(Date.parse(progress.updatedAt) / 1000) + WEEK_SECONDS;
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: 'COPY', sk: key, ...progress, expiresAt } }),
    );
  }
}
