/**
 * Receipts of Databricks deliveries in Baton's table: one item per signed body (pk
 * `DELIVERY#<key>`), kept 24 h by the table's TTL (`expiresAt`, seconds). Both steps are one
 * PutItem, the only call the registry webhook's role may make on the table (on `DELIVERY#*` keys):
 * `receive` writes `received` unless a copy was already `queued` (the condition), `markQueued`
 * writes `queued`. An item past its TTL that DynamoDB has not deleted yet counts as gone.
 * Speaks DynamoDB through the official DocumentClient (injected: lib/wiring/dynamoClient.ts).
 *
 * @example
 *   const receipts = new DynamoWebhookReceipts(dynamoDocumentClient(), 'baton-prod');
 *   await receipts.receive('databricks-5f9c…', new Date());  // null, or { queuedAt }
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookReceipts } from '../../domain/ports';
import { type DynamoDocuments, isConditionFailure } from './dynamoTable';
import { ReceiptUnavailableError } from './errors';

export type { WebhookReceipts };

/** How long a receipt is remembered: a day, far beyond any sender's retries and the age window. */
export const receiptTtlSeconds = 24 * 60 * 60;

/** The partition key prefix the registry webhook's role is limited to (dynamodb:LeadingKeys). */
export const receiptKeyPrefix = 'DELIVERY#';

const seconds = (now: Date) => Math.floor(now.getTime() / 1000);

export class DynamoWebhookReceipts implements WebhookReceipts {
  constructor(
    private readonly db: DynamoDocuments,
    private readonly table: string,
  ) {}

  async receive(key: string, now: Date): Promise<{ queuedAt: string } | null> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: this.item(key, now, { state: 'received', receivedAt: now.toISOString() }),
          // A copy may be queued unless an earlier one already was (and has not expired).
          ConditionExpression: 'attribute_not_exists(pk) OR #state <> :queued OR expiresAt < :now',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':queued': 'queued', ':now': seconds(now) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return null;
    } catch (error) {
      if (isConditionFailure(error)) return { queuedAt: queuedAtOf(error) };
      throw new ReceiptUnavailableError(error);
    }
  }

  async markQueued(key: string, now: Date): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: this.item(key, now, { state: 'queued', queuedAt: now.toISOString() }),
        }),
      );
    } catch (error) {
      throw new ReceiptUnavailableError(error);
    }
  }

  private item(key: string, now: Date, fields: Record<string, string>) {
    return {
      pk: `${receiptKeyPrefix}${key}`,
      sk: 'RECEIPT',
      ...fields,
      expiresAt: seconds(now) + receiptTtlSeconds,
    };
  }
}

/** The stored item comes back in DynamoDB's own JSON (the DocumentClient does not translate errors). */
function queuedAtOf(error: unknown): string {
  const item = (error as { Item?: Record<string, { S?: string } | undefined> }).Item;
  return item?.queuedAt?.S ?? 'an earlier delivery';
}
