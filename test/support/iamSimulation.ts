/**
 * The other half of the least-privilege proof: each SDK call a function made (recorded by
 * sdkCallRecorder.mjs) as the IAM request(s) AWS authorises for it — the action, the resource's
 * ARN in this account and region, and the condition keys AWS sets (dynamodb:LeadingKeys,
 * sagemaker:TaggingAction, iam:PassedToService) — evaluated against the function role's exact
 * statements with a kept IAM policy simulator (@cloud-copilot/iam-simulate). moto enforces the
 * actions; this enforces the resources and the conditions.
 *
 * A call this file cannot map is reported as a denial: a new operation must be mapped (and
 * allowed) before the test passes again.
 *
 * @example
 *   const denied = await deniedCalls(calls, statements, { region: 'ap-southeast-3', accountId: '123456789012' });
 *   expect(denied).toEqual([]);
 */
import { readFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Statement } from './iamEnforcement';

export interface RecordedCall {
  function: string;
  service: string;
  command: string;
  input: Record<string, any>;
  error?: string;
}

export interface IamRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

interface Where {
  region: string;
  accountId: string;
}

/** Every recorded call in `file` (one JSON object a line). */
export function readCalls(file: string): RecordedCall[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedCall);
}

const operationOf = (command: string) => command.replace(/Command$/, '');
/** DocumentClient commands are named for the item operation they send. */
const dynamoOperations: Record<string, string> = {
  Put: 'PutItem',
  Get: 'GetItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  TransactWrite: 'TransactWriteItems',
};
/** A key attribute as a plain value, from DocumentClient or low-level ({ S: … }) input. */
const plain = (value: any): string => (typeof value === 'object' && value !== null ? value.S : value);

function dynamoRequests(
  operation: string,
  input: Record<string, any>,
  arn: (name: string) => string,
): IamRequest[] {
  const table = (name: string) => arn(`table/${name}`);
  const item = (action: string, name: string, key: any): IamRequest => ({
    action: `dynamodb:${action}`,
    resource: table(name),
    context: { 'dynamodb:LeadingKeys': [plain(key?.pk)] },
  });
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [item(operation, input.TableName, input.Key)];
    case 'PutItem':
      return [item(operation, input.TableName, input.Item)];
    case 'Query': {
      const hashName = /^\s*(\w+)\s*=\s*(:\w+)/.exec(input.KeyConditionExpression ?? '');
      const leading = hashName ? plain(input.ExpressionAttributeValues?.[hashName[2]!]) : undefined;
      const resource = input.IndexName
        ? `${table(input.TableName)}/index/${input.IndexName}`
        : table(input.TableName);
      return [
        { action: 'dynamodb:Query', resource, context: leading ? { 'dynamodb:LeadingKeys': [leading] } : {} },
      ];
    }
    case 'BatchGetItem':
      return Object.entries(input.RequestItems ?? {}).map(([name, request]: [string, any]) => ({
        action: 'dynamodb:BatchGetItem',
        resource: table(name),
        context: { 'dynamodb:LeadingKeys': [...new Set<string>(request.Keys.map((k: any) => plain(k.pk)))] },
      }));
    case 'TransactWriteItems':
      // AWS authorises a transaction as the item operations it holds.
      return (input.TransactItems ?? []).flatMap((t: Record<string, any>) => {
        const [kind, body] = Object.entries(t)[0]!;
        const action = {
          Put: 'PutItem',
          Update: 'UpdateItem',
          Delete: 'DeleteItem',
          ConditionCheck: 'ConditionCheckItem',
        }[kind]!;
        return [item(action, body.TableName, body.Item ?? body.Key)];
      });
    default:
      return [];
  }
}

function sageMakerRequests(
  operation: string,
  input: Record<string, any>,
  arn: (name: string) => string,
  where: Where,
): IamRequest[] {
  // SageMaker writes resource names into ARNs in lower case.
  const named = (kind: string, name: string) => arn(`${kind}/${String(name).toLowerCase()}`);
  if (/Endpoint$|EndpointWeightsAndCapacities$/.test(operation))
    return [
      { action: `sagemaker:${operation}`, resource: named('endpoint', input.EndpointName), context: {} },
    ];
  if (/EndpointConfig$/.test(operation))
    return [
      {
        action: `sagemaker:${operation}`,
        resource: named('endpoint-config', input.EndpointConfigName),
        context: {},
      },
    ];
  if (!/Model$/.test(operation)) return [];
  const model = named('model', input.ModelName);
  const requests: IamRequest[] = [{ action: `sagemaker:${operation}`, resource: model, context: {} }];
  if (operation !== 'CreateModel') return requests;
  // Creating with tags is also AddTags on the new model; passing the execution role is iam:PassRole.
  if (input.Tags?.length) {
    requests.push({
      action: 'sagemaker:AddTags',
      resource: model,
      context: {
        'sagemaker:TaggingAction': 'CreateModel',
        'aws:TagKeys': input.Tags.map((t: { Key: string }) => t.Key),
      },
    });
  }
  if (input.ExecutionRoleArn) {
    requests.push({
      action: 'iam:PassRole',
      resource: input.ExecutionRoleArn,
      context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
    });
  }
  void where;
  return requests;
}

/**
 * The IAM requests AWS authorises for one SDK call; [] when this file does not know the call.
 *
 * @example
 *   iamRequests({ service: 'SQS', command: 'SendMessageCommand', input: { QueueUrl } }, where);
 */
export function iamRequests(call: RecordedCall, where: Where): IamRequest[] {
  const operation = operationOf(call.command);
  const service = call.service.toLowerCase().replace(/\s+/g, '');
  const arnIn = (prefix: string) => (name: string) =>
    `arn:aws:${prefix}:${where.region}:${where.accountId}:${name}`;
  const input = call.input ?? {};
  if (service === 'sqs') {
    const queue = String(input.QueueUrl).split('/').pop()!;
    const action = operation.replace(/Batch$/, '');
    return [{ action: `sqs:${action}`, resource: arnIn('sqs')(queue), context: {} }];
  }
  if (service === 'sns') return [{ action: `sns:${operation}`, resource: input.TopicArn, context: {} }];
  if (service === 'ssm') {
    const names: string[] = input.Names ?? [input.Name];
    return names.map((n) => ({
      action: `ssm:${operation}`,
      resource: arnIn('ssm')(`parameter${n}`),
      context: {},
    }));
  }
  if (service.startsWith('dynamodb'))
    return dynamoRequests(dynamoOperations[operation] ?? operation, input, arnIn('dynamodb'));
  if (service === 'sagemaker') return sageMakerRequests(operation, input, arnIn('sagemaker'), where);
  // GetMetricData supports no resource-level permissions: AWS authorises it on "*".
  if (service === 'cloudwatch' && operation === 'GetMetricData') {
    return [{ action: 'cloudwatch:GetMetricData', resource: '*', context: {} }];
  }
  if (service === 'cloudwatch' && operation === 'DescribeAlarms') {
    const names: string[] = input.AlarmNames?.length ? input.AlarmNames : ['*'];
    return names.map((n) => ({
      action: 'cloudwatch:DescribeAlarms',
      resource: arnIn('cloudwatch')(`alarm:${n}`),
      context: {},
    }));
  }
  if (service === 'sesv2' && operation === 'SendEmail') {
    const ses = arnIn('ses');
    return [
      { action: 'ses:SendEmail', resource: ses(`identity/${input.FromEmailAddress}`), context: {} },
      ...(input.ConfigurationSetName
        ? [
            {
              action: 'ses:SendEmail',
              resource: ses(`configuration-set/${input.ConfigurationSetName}`),
              context: {},
            },
          ]
        : []),
    ];
  }
  return [];
}

/** Whether `statements` allow `request` for a principal of this account. */
export async function allowed(request: IamRequest, statements: Statement[], where: Where): Promise<boolean> {
  const response = await runSimulation(
    {
      identityPolicies: [{ name: 'role', policy: { Version: '2012-10-17', Statement: statements } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: request.action,
        principal: `arn:aws:iam::${where.accountId}:role/baton-test`,
        resource: { accountId: where.accountId, resource: request.resource },
        contextVariables: request.context,
      },
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(`simulator: ${JSON.stringify(response.errors)}`);
  return response.overallResult === 'Allowed';
}

/** Each call (as `function service.operation → action on resource`) that `statementsOf` does not allow. */
export async function deniedCalls(
  calls: RecordedCall[],
  statementsOf: (fn: string) => Statement[],
  where: Where,
): Promise<string[]> {
  const denied = new Set<string>();
  for (const call of calls) {
    const label = `${call.function} ${call.service}.${operationOf(call.command)}`;
    const requests = iamRequests(call, where);
    if (requests.length === 0) denied.add(`${label}: no IAM mapping for this call`);
    for (const request of requests) {
      if (!(await allowed(request, statementsOf(call.function), where))) {
        denied.add(`${label} → ${request.action} on ${request.resource} ${JSON.stringify(request.context)}`);
      }
    }
  }
  return [...denied];
}
