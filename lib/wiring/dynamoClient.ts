/**
 * The DynamoDB DocumentClient, configured like every other client (awsClients.ts `clientConfig`),
 * in a file of its own: lib-dynamodb is not marked free of side effects, so only the functions
 * that read or write the table should import it.
 *
 * @example
 *   const store = new DynamoPromotionStore(dynamoDocumentClient(), config.TABLE_NAME);
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientOptions, clientConfig } from './awsClients';

/**
 * Records are plain JSON: unset optional fields are dropped, and every number is read back as the
 * JavaScript number it was written from — an integer above 2^53 too (no RangeError, no BigInt
 * that the schemas would refuse), so such a record can never get stuck.
 */
export const documentTranslation = {
  marshallOptions: { removeUndefinedValues: true, allowImpreciseNumbers: true },
  unmarshallOptions: { wrapNumbers: (value: string) => Number(value) },
} as const;

/**
 * DynamoDB with plain JSON items (lib-dynamodb's DocumentClient).
 *
 * @example
 *   await dynamoDocumentClient().send(new GetCommand({ TableName, Key: { pk, sk } }));
 */
export function dynamoDocumentClient(o?: AwsClientOptions): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(o)), documentTranslation);
}
