/**
 * Single use for signed approval links: a token is claimed with a conditional write, so a second
 * use (or two clicks at once) finds it taken. The id is a hash of the token's decoded claims
 * (`approvalTokenId(claims)`), never of the text received: every spelling of one link, and the
 * same claims signed with a rotated key, share one record. Claims expire with the table's TTL.
 * Speaks DynamoDB through the official DocumentClient (injected: lib/wiring/dynamoClient.ts).
 *
 * @example
 *   if (!(await ledger.claim(approvalTokenId(claims), claims.exp))) return alreadyUsedPage();
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TokenLedger } from '../../domain/ports';
import { type DynamoDocuments, getItem, isConditionFailure } from './dynamoTable';

export type { TokenLedger };

export class DynamoTokenLedger implements TokenLedger {
  constructor(
    private readonly db: DynamoDocuments,
    private readonly table: string,
  ) {}

  async claim(id: string, expiresAtSeconds: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `TOKEN#${id}`, sk: 'USED', expiresAt: expiresAtSeconds + 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async isUsed(id: string): Promise<boolean> {
    const item = await getItem(this.db, {
      TableName: this.table,
      Key: { pk: `TOKEN#${id}`, sk: 'USED' },
      ConsistentRead: true,
    });
    return item !== undefined;
  }

  async release(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: `TOKEN#${id}`, sk: 'USED' } }));
  }
}
