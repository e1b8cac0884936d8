/**
 * DynamoDB's single-item operations (GetItem, PutItem, UpdateItem, DeleteItem) with plain JSON
 * items, over the small signed JSON client (awsJson1_0) instead of @aws-sdk/lib-dynamodb: the
 * approval links' token ledger and the notifier's delivery ledger need nothing more, and the SDK
 * client's shared core would be most of those functions' cold start. Inputs are the SDK
 * DocumentClient commands' inputs; items and expression values are marshalled by
 * dynamoAttributes.ts. Failures reject with AwsRequestError (isConditionFailure tells a failed
 * ConditionExpression apart).
 *
 * @example
 *   const db = new DynamoDocuments(dynamoJsonClient(signingFromEnvironment()));
 *   await db.put({ TableName: 'baton-prod', Item: { pk: 'TOKEN#ab', sk: 'USED' }, ConditionExpression: 'attribute_not_exists(pk)' });
 */
import { type AttributeMap, fromAttributes, toAttributes } from './dynamoAttributes';
import { AwsRequestError } from './errors';
import { SignedJsonClient, type SignedJsonClientOptions } from './signedJsonClient';

type Document = Record<string, unknown>;

/** The expression parts of a request, with plain values (marshalled on the way out). */
export interface Expressions {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Document;
}

/**
 * A SignedJsonClient for DynamoDB (honours AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL).
 *
 * @example
 *   const dynamo = dynamoJsonClient({ region: 'eu-west-1', credentials });
 */
export function dynamoJsonClient(
  signing: Pick<SignedJsonClientOptions, 'region' | 'credentials'>,
  options: Pick<SignedJsonClientOptions, 'env' | 'fetch' | 'timeoutMs' | 'retries'> = {},
): SignedJsonClient {
  return new SignedJsonClient({
    ...options,
    region: signing.region,
    credentials: signing.credentials,
    service: 'dynamodb',
    endpointPrefix: 'dynamodb',
    target: 'DynamoDB_20120810',
    version: '1.0',
    endpointEnvName: 'DYNAMODB',
  });
}

/** Whether `error` is DynamoDB refusing a write because its ConditionExpression was false. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof AwsRequestError && error.code === 'ConditionalCheckFailedException';
}

function expressions({ ExpressionAttributeValues: values, ...rest }: Expressions) {
  return { ...rest, ...(values && { ExpressionAttributeValues: toAttributes(values) }) };
}

export class DynamoDocuments {
  constructor(private readonly dynamo: Pick<SignedJsonClient, 'call'>) {}

  /** GetItem: the item, or undefined when there is none. */
  async get(input: {
    TableName: string;
    Key: Document;
    ConsistentRead?: boolean;
  }): Promise<Document | undefined> {
    const { Item } = await this.dynamo.call<{ Item?: AttributeMap }>('GetItem', {
      ...input,
      Key: toAttributes(input.Key),
    });
    return Item && fromAttributes(Item);
  }

  /** PutItem, conditional when the input has a ConditionExpression. */
  async put(input: { TableName: string; Item: Document } & Expressions): Promise<void> {
    const { Item, ...rest } = input;
    await this.dynamo.call('PutItem', { ...expressions(rest), Item: toAttributes(Item) });
  }

  /** UpdateItem with an UpdateExpression. */
  async update(
    input: { TableName: string; Key: Document; UpdateExpression: string } & Expressions,
  ): Promise<void> {
    const { Key, ...rest } = input;
    await this.dynamo.call('UpdateItem', { ...expressions(rest), Key: toAttributes(Key) });
  }

  /** DeleteItem, conditional when the input has a ConditionExpression. */
  async delete(input: { TableName: string; Key: Document } & Expressions): Promise<void> {
    const { Key, ...rest } = input;
    await this.dynamo.call('DeleteItem', { ...expressions(rest), Key: toAttributes(Key) });
  }
}
