/**
 * The official AWS clients on the emulator, as the tests use them: built by the same factories as
 * the functions (lib/wiring/awsClients.ts and the files beside it), plus `call(operation, input)` so a test can set up
 * or inspect the emulator in one line (`PutMetricAlarm`, `DescribeEndpoint`, `CreateQueue`…)
 * without importing a command class for each, and `sent` recording every command's input, so a
 * test can assert what an adapter asked for.
 *
 * @example
 *   const sagemaker = testSageMaker({ region: stack.aws.region, env: { AWS_ENDPOINT_URL: stack.aws.endpoint } });
 *   await sagemaker.call<{ EndpointStatus: string }>('DescribeEndpoint', { EndpointName: 'fraud-prod' });
 */
import * as CloudWatch from '@aws-sdk/client-cloudwatch';
import * as SageMaker from '@aws-sdk/client-sagemaker';
import * as SQS from '@aws-sdk/client-sqs';
import type { AwsClientOptions } from '../../lib/wiring/awsClients';
import { cloudWatchClient } from '../../lib/wiring/cloudWatchClient';
import { sageMakerClient } from '../../lib/wiring/sageMakerClient';
import { snsClient } from '../../lib/wiring/snsClient';
import { sqsClient } from '../../lib/wiring/sqsClient';
import { localCredentials } from '../../local/resources';

/** Where a test client goes: a region, and the emulator's URL as AWS_ENDPOINT_URL(_<SERVICE>). */
export interface TestAws {
  region: string;
  credentials?: AwsClientOptions['credentials'];
  env: Record<string, string | undefined>;
}

type Sendable = {
  send(command: never): Promise<unknown>;
  middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name?: string }): void };
};

function options({ region, credentials, env }: TestAws): AwsClientOptions {
  const endpoint = Object.entries(env).find(([name]) => name.startsWith('AWS_ENDPOINT_URL'))?.[1];
  return { region, credentials: credentials ?? localCredentials, ...(endpoint && { endpoint }) };
}

/**
 * `client` with `call(operation, input)` and `sent` (operation name and input of every command).
 *
 * @example
 *   const sqs = withCalls(sqsClient(options), SQS);
 */
export function withCalls<C extends Sendable>(client: C, commands: object) {
  const sent: Array<{ operation: string; input: any }> = [];
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: unknown }) => {
        sent.push({ operation: String(context.commandName).replace(/Command$/, ''), input: args.input });
        return next(args);
      },
    { step: 'initialize', name: 'recordSentCommands' },
  );
  const call = async <T = any>(operation: string, input: object): Promise<T> => {
    const Command = (commands as Record<string, new (input: object) => never>)[`${operation}Command`];
    if (!Command) throw new Error(`no ${operation}Command in this client`);
    return (await client.send(new Command(input))) as T;
  };
  return Object.assign(client, { call, sent });
}

/** SageMaker on the emulator. */
export const testSageMaker = (aws: TestAws) => withCalls(sageMakerClient(options(aws)), SageMaker);
/** CloudWatch on the emulator. */
export const testCloudWatch = (aws: TestAws) => withCalls(cloudWatchClient(options(aws)), CloudWatch);
/** SQS on the emulator. */
export const testSqs = (aws: TestAws) => withCalls(sqsClient(options(aws)), SQS);
/** SNS on the emulator. */
export const testSns = (aws: TestAws) => snsClient(options(aws));

export type TestSageMaker = ReturnType<typeof testSageMaker>;
export type TestCloudWatch = ReturnType<typeof testCloudWatch>;
export type TestSqs = ReturnType<typeof testSqs>;
