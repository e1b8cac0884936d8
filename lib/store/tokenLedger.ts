/**
 * Single use for signed approval links: a token is claimed with a conditional write, so a second
 * use (or two clicks at once) finds it taken. Claims expire with the table's TTL.
 *
 * @example
 *   if (!(await ledger.claim(approvalTokenId(token), claims.exp))) return alreadyUsedPage();
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

export interface TokenLedger {
  /** true when this call claimed the token; false when it was already used. */
  claim(id: string, expiresAtSeconds: number): Promise<boolean>;
  isUsed(id: string): Promise<boolean>;
  /** Gives a claim back when what it was for could not be done (the decision was not queued). */
  release(id: string): Promise<void>;
}

export class DynamoTokenLedger implements TokenLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
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
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async isUsed(id: string): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: `TOKEN#${id}`, sk: 'USED' }, ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  async release(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: `TOKEN#${id}`, sk: 'USED' } }));
  }
}
