/**
 * Creates in the AWS emulator exactly the queues, topics, subscriptions and table that the
 * packaged CloudFormation template declares, and resolves the intrinsic functions (Ref, GetAtt,
 * Sub, Join) that the functions' environment variables use. Only the resource types Baton
 * declares are understood; anything else is left to the runtime (functions, routes, schedules).
 *
 * @example
 *   const stack = await createStackResources(template, aws);
 *   stack.resolve({ Ref: 'PromotionQueue' }); // the queue URL in the emulator
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ResourceInUseException,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CfnResource, CfnTemplate } from './template';

export interface AwsTarget {
  endpoint: string;
  region: string;
  accountId: string;
  /** The emulator's keys for the stack's own calls (pollers, schedules); default `localCredentials`. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface StackResources {
  /** Physical values: Ref and GetAtt results by logical id. */
  refs: Map<string, { ref: string; attributes: Record<string, string> }>;
  resolve(value: unknown): unknown;
  resolveString(value: unknown): string;
}

export const localCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export function awsClientConfig(aws: AwsTarget) {
  return { endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials ?? localCredentials };
}

type Refs = StackResources['refs'];

/**
 * The ARN partition of a region as the emulator writes it (`aws-us-gov` for GovCloud test regions,
 * `aws-eusc` for the European Sovereign Cloud's).
 */
export const partitionOf = (region: string) =>
  region.startsWith('us-gov-') ? 'aws-us-gov' : region.startsWith('eusc-') ? 'aws-eusc' : 'aws';

function pseudo(name: string, aws: AwsTarget): string | undefined {
  const values: Record<string, string> = {
    'AWS::Region': aws.region,
    'AWS::AccountId': aws.accountId,
    'AWS::Partition': partitionOf(aws.region),
    'AWS::StackName': 'baton-local',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  return values[name];
}

function makeResolver(refs: Refs, aws: AwsTarget, template: CfnTemplate) {
  const lookup = (id: string, attribute?: string): string => {
    const fromPseudo = attribute === undefined ? pseudo(id, aws) : undefined;
    if (fromPseudo !== undefined) return fromPseudo;
    const found = refs.get(id);
    if (!found) {
      const type = template.Resources[id]?.Type ?? 'unknown';
      throw new Error(`Cannot resolve ${attribute ? `${id}.${attribute}` : id} (${type}) in the local stack`);
    }
    if (attribute === undefined) return found.ref;
    const value = found.attributes[attribute];
    if (value === undefined) throw new Error(`Unknown attribute ${id}.${attribute}`);
    return value;
  };
  const substitute = (text: string, vars: Record<string, unknown>): string =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name in vars) return resolveString(vars[name]);
      const [id, attribute] = name.split('.');
      return lookup(id!, attribute);
    });
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    if ('Ref' in object) return lookup(String(object.Ref));
    if ('Fn::GetAtt' in object) {
      const [id, attribute] = object['Fn::GetAtt'] as [string, string];
      return lookup(id, attribute);
    }
    if ('Fn::Sub' in object) {
      const sub = object['Fn::Sub'];
      if (typeof sub === 'string') return substitute(sub, {});
      const [text, vars] = sub as [string, Record<string, unknown>];
      return substitute(text, vars);
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(resolveString).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolve(v)]));
  };
  const resolveString = (value: unknown): string => String(resolve(value));
  return { resolve, resolveString };
}

const handledTypes = ['AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::DynamoDB::Table', 'AWS::SNS::Subscription'];

/** Logical ids that a value refers to, so resources are created after what they reference. */
function references(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const item of value) references(item, out);
  else if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object.Ref === 'string') out.add(object.Ref);
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt)) out.add(String(getAtt[0]));
    const sub = object['Fn::Sub'];
    const text = typeof sub === 'string' ? sub : Array.isArray(sub) ? String(sub[0]) : '';
    for (const match of text.matchAll(/\$\{([^}.]+)/g)) out.add(match[1]!);
    for (const v of Object.values(object)) references(v, out);
  }
  return out;
}

function stringAttributes(properties: Record<string, unknown>, skip: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (skip.includes(key) || value === undefined) continue;
    out[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}

/**
 * Creates every queue, topic, SQS subscription and table of the template in the emulator.
 * Idempotent: running it against an emulator that already holds the resources is harmless.
 */
export async function createStackResources(template: CfnTemplate, aws: AwsTarget): Promise<StackResources> {
  const refs: Refs = new Map();
  const { resolve, resolveString } = makeResolver(refs, aws, template);
  const sqs = new SQSClient(awsClientConfig(aws));
  const sns = new SNSClient(awsClientConfig(aws));
  const dynamodb = new DynamoDBClient(awsClientConfig(aws));
  const arn = (service: string, name: string) =>
    `arn:${partitionOf(aws.region)}:${service}:${aws.region}:${aws.accountId}:${name}`;

  const create = async (id: string, resource: CfnResource): Promise<void> => {
    // Lambda subscriptions are served by the local runtime; SQS ones are real in the emulator.
    if (resource.Type === 'AWS::SNS::Subscription' && resource.Properties?.Protocol !== 'sqs') return;
    const properties = resolve(resource.Properties ?? {}) as Record<string, unknown>;
    switch (resource.Type) {
      case 'AWS::SQS::Queue': {
        const name = String(properties.QueueName ?? id);
        const { QueueUrl } = await sqs.send(
          new CreateQueueCommand({
            QueueName: name,
            Attributes: stringAttributes(properties, ['QueueName', 'Tags']),
          }),
        );
        refs.set(id, {
          ref: QueueUrl!,
          attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: QueueUrl! },
        });
        return;
      }
      case 'AWS::SNS::Topic': {
        const name = String(properties.TopicName ?? id);
        const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
        refs.set(id, { ref: TopicArn!, attributes: { TopicArn: TopicArn!, TopicName: name } });
        return;
      }
      case 'AWS::SNS::Subscription': {
        const attributes: Record<string, string> = {};
        if (properties.RawMessageDelivery !== undefined) {
          attributes.RawMessageDelivery = String(properties.RawMessageDelivery);
        }
        const { SubscriptionArn } = await sns.send(
          new SubscribeCommand({
            TopicArn: String(properties.TopicArn),
            Protocol: 'sqs',
            Endpoint: String(properties.Endpoint),
            Attributes: attributes,
            ReturnSubscriptionArn: true,
          }),
        );
        refs.set(id, { ref: SubscriptionArn!, attributes: {} });
        return;
      }
      case 'AWS::DynamoDB::Table': {
        const name = String(properties.TableName ?? id);
        const sse = properties.SSESpecification as { SSEEnabled?: boolean } | undefined;
        const input = {
          TableName: name,
          BillingMode: properties.BillingMode,
          AttributeDefinitions: properties.AttributeDefinitions,
          KeySchema: properties.KeySchema,
          GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes,
          SSESpecification: sse ? { Enabled: sse.SSEEnabled ?? false } : undefined,
        } as CreateTableCommandInput;
        try {
          await dynamodb.send(new CreateTableCommand(input));
        } catch (error) {
          if (!(error instanceof ResourceInUseException)) throw error;
        }
        const ttl = properties.TimeToLiveSpecification as
          | { AttributeName: string; Enabled: boolean }
          | undefined;
        if (ttl?.Enabled) {
          await dynamodb
            .send(
              new UpdateTimeToLiveCommand({
                TableName: name,
                TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
              }),
            )
            .catch((error: Error) => {
              // Already enabled on a re-run.
              if (!/already enabled/i.test(error.message)) throw error;
            });
        }
        const pitr = properties.PointInTimeRecoverySpecification as
          | { PointInTimeRecoveryEnabled: boolean }
          | undefined;
        if (pitr?.PointInTimeRecoveryEnabled) {
          await dynamodb.send(
            new UpdateContinuousBackupsCommand({
              TableName: name,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            }),
          );
        }
        refs.set(id, { ref: name, attributes: { Arn: arn('dynamodb', `table/${name}`) } });
        return;
      }
    }
  };

  const ids = Object.keys(template.Resources).filter((id) =>
    handledTypes.includes(template.Resources[id]!.Type),
  );
  const done = new Set<string>();
  const visit = async (id: string, path: string[]): Promise<void> => {
    if (done.has(id)) return;
    if (path.includes(id)) throw new Error(`Circular reference: ${[...path, id].join(' -> ')}`);
    const resource = template.Resources[id]!;
    for (const dependency of references(resource.Properties)) {
      if (ids.includes(dependency)) await visit(dependency, [...path, id]);
    }
    await create(id, resource);
    done.add(id);
  };
  for (const id of ids) await visit(id, []);
  sqs.destroy();
  sns.destroy();
  dynamodb.destroy();
  return { refs, resolve, resolveString };
}

/**
 * Verifies in the emulator's SES every sender address the functions are configured with
 * (APPROVAL_EMAIL_FROM), so approval e-mails send locally as they would from a verified identity
 * in AWS; the emulator verifies at once. Idempotent.
 *
 * @example
 *   await verifyEmailSenders(template, aws); // baton@baton.local may now send
 */
export async function verifyEmailSenders(template: CfnTemplate, aws: AwsTarget): Promise<string[]> {
  const senders = new Set<string>();
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (resource.Properties as { Environment?: { Variables?: Record<string, unknown> } })
      .Environment?.Variables;
    const from = variables?.APPROVAL_EMAIL_FROM;
    if (typeof from === 'string' && from !== '') senders.add(from);
  }
  const ses = new SESv2Client(awsClientConfig(aws));
  try {
    for (const sender of senders) {
      await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: sender })).catch((error: Error) => {
        if (error.name !== 'AlreadyExistsException') throw error;
      });
    }
  } finally {
    ses.destroy();
  }
  return [...senders];
}
