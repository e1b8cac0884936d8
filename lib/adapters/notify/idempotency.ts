/**
 * Each notification is posted once, however often SNS delivers it. Before posting, the notifier
 * claims the notification's idempotency key in the table:
 *   pk NOTIFIED#<idempotencyKey>  sk SLACK   status claimed|sent, owner, leaseUntil, expiresAt (TTL, 7 days)
 * - the claim is a conditional PutItem: the key is new, or an earlier claim's lease lapsed (that
 *   invocation crashed or timed out mid-post);
 * - after the post, the record becomes `sent`, and every later delivery of the key is skipped;
 * - when the post fails, the claim is deleted so the retry can post; if even that fails, the
 *   lease (longer than the function's timeout) lapses and a retry takes over;
 * - a delivery that finds a live claim throws DeliveryInProgressError: Lambda retries it later,
 *   when the key is `sent` (skip) or the claim has lapsed (post).
 * A post that times out may still have reached Slack; it is retried (at least once beats lost).
 * The table is reached through the official DocumentClient (injected: lib/wiring/dynamoClient.ts).
 *
 * @example
 *   const ledger = new DynamoDeliveryLedger(dynamoDocumentClient(), 'baton-prod');
 *   await deliverOnce(notification, { notifier, ledger }); // lib/app/deliverNotifications.ts
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Claim, DeliveryLedger } from '../../domain/ports';
import { type DynamoDocuments, getItem, isConditionFailure } from '../store/dynamoTable';
import { DeliveryInProgressError, DeliveryLedgerError } from './errors';

export type { Claim, DeliveryLedger };

export interface DynamoDeliveryLedgerOptions {
  /** The sort key: one ledger per destination. Default SLACK. */
  destination?: string;
  /** How long a claim blocks other deliveries; longer than the function's timeout. Default 30 s. */
  leaseSeconds?: number;
  /** How long a delivered key is remembered (the table's TTL). Default 7 days. */
  retentionSeconds?: number;
  now?: () => Date;
}

export class DynamoDeliveryLedger implements DeliveryLedger {
  private readonly destination: string;
  private readonly leaseSeconds: number;
  private readonly retentionSeconds: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: DynamoDocuments,
    private readonly table: string,
    options: DynamoDeliveryLedgerOptions = {},
  ) {
    this.destination = options.destination ?? 'SLACK';
    this.leaseSeconds = options.leaseSeconds ?? 30;
    this.retentionSeconds = options.retentionSeconds ?? 7 * 86_400;
    this.now = options.now ?? (() => new Date());
  }

  private keyOf(key: string) {
    return { pk: `NOTIFIED#${key}`, sk: this.destination };
  }

  async claim(key: string): Promise<Claim | 'sent'> {
    const now = this.now();
    const seconds = Math.floor(now.getTime() / 1000);
    const claim = { key, owner: randomUUID() };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...this.keyOf(key),
            status: 'claimed',
            owner: claim.owner,
            claimedAt: now.toISOString(),
            leaseUntil: seconds + this.leaseSeconds,
            expiresAt: seconds + this.retentionSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :claimed AND #leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status', '#leaseUntil': 'leaseUntil' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':now': seconds },
        }),
      );
      return claim;
    } catch (error) {
      if (!isConditionFailure(error)) throw new DeliveryLedgerError(`could not claim ${key}`, error);
    }
    const existing = await this.read(key);
    if (existing?.status === 'sent') return 'sent';
    throw new DeliveryInProgressError(key);
  }

  private async read(key: string): Promise<Record<string, unknown> | undefined> {
    try {
      return await getItem(this.db, { TableName: this.table, Key: this.keyOf(key), ConsistentRead: true });
    } catch (error) {
      throw new DeliveryLedgerError(`could not read ${key}`, error);
    }
  }

  async markSent(claim: Claim): Promise<void> {
    const now = this.now();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.keyOf(claim.key),
          UpdateExpression:
            'SET #status = :sent, sentAt = :at, expiresAt = if_not_exists(expiresAt, :expires) REMOVE leaseUntil',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sent': 'sent',
            ':at': now.toISOString(),
            ':expires': Math.floor(now.getTime() / 1000) + this.retentionSeconds,
          },
        }),
      );
    } catch (error) {
      throw new DeliveryLedgerError(`could not mark ${claim.key} sent`, error);
    }
  }

  async release(claim: Claim): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: this.keyOf(claim.key),
          // Never a claim another invocation took over after ours lapsed, never a sent record.
          ConditionExpression: '#owner = :owner AND #status = :claimed',
          ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
          ExpressionAttributeValues: { ':owner': claim.owner, ':claimed': 'claimed' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw new DeliveryLedgerError(`could not release ${claim.key}`, error);
    }
  }
}
