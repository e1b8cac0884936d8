/**
 * The local runtime behaves like Lambda and the resources match the template: checked against
 * the emulator, since that is what every later test and `npm start` stand on.
 */
import { join } from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListSubscriptionsByTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionProcess } from '../../local/functionProcess';
import { awsClientConfig } from '../../local/resources';
import { queuePoller } from '../../local/sqsPoller';
import type { LocalStack } from '../../local/stack';
import { testStack, uniqueName } from '../support/localStack';

let stack: LocalStack;
let sqs: SQSClient;
beforeAll(async () => {
  stack = await testStack('eu-west-2', { consumers: false });
  sqs = new SQSClient(awsClientConfig(stack.aws));
});
afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

const ref = (id: string) => stack.resources.resolveString({ Ref: id });
const waitFor = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe('resources created from the packaged template', () => {
  it('makes the promotion queue FIFO with its redrive policy and visibility timeout', async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: ref('PromotionQueue'), AttributeNames: ['All'] }),
    );

    expect(Attributes).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'false',
      VisibilityTimeout: '360',
    });
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toMatchObject({
      maxReceiveCount: 8,
      deadLetterTargetArn: expect.stringMatching(/:baton-local-promotion-dlq\.fifo$/),
    });
  });

  it('makes the table with its due-work index and TTL', async () => {
    const dynamodb = new DynamoDBClient(awsClientConfig(stack.aws));
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: ref('BatonTable') }));
    const { TimeToLiveDescription } = await dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: ref('BatonTable') }),
    );
    dynamodb.destroy();

    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['DueIndex']);
    expect(TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });

  it('delivers what is published on the alerts topic to the alarm queue, in the SNS envelope', async () => {
    const sns = new SNSClient(awsClientConfig(stack.aws));
    const { Subscriptions = [] } = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: ref('AlertsTopic') }),
    );
    await sns.send(
      new PublishCommand({ TopicArn: ref('AlertsTopic'), Message: '{"AlarmName":"fraud-prod-5xx"}' }),
    );
    sns.destroy();

    const message = await waitFor(async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: ref('AlarmQueue'), WaitTimeSeconds: 1 }),
      );
      return Messages?.[0];
    });

    expect(Subscriptions.map((s) => s.Protocol)).toEqual(['sqs']);
    expect(JSON.parse(message.Body!)).toMatchObject({
      Type: 'Notification',
      TopicArn: ref('AlertsTopic'),
      Message: '{"AlarmName":"fraud-prod-5xx"}',
    });
  });
});

describe('the SQS poller, as Lambda’s event source mapping', () => {
  it('deletes the records that succeeded and redelivers only those reported in batchItemFailures', async () => {
    const name = `${uniqueName('poller')}.fifo`;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      }),
    );
    for (const group of ['a', 'b', 'c']) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: group, MessageGroupId: group }));
    }
    const seen: Array<{ body: string; receiveCount: string }> = [];
    const poller = queuePoller({
      sqs,
      queueUrl: QueueUrl!,
      queueArn: `arn:aws:sqs:${stack.aws.region}:${stack.aws.accountId}:${name}`,
      region: stack.aws.region,
      batchSize: 10,
      reportsBatchItemFailures: true,
      retryDelaySeconds: 1,
      log: () => undefined,
      invoke: async (event) => {
        const records = (
          event as { Records: Array<{ messageId: string; body: string; attributes: Record<string, string> }> }
        ).Records;
        for (const r of records)
          seen.push({ body: r.body, receiveCount: r.attributes.ApproximateReceiveCount! });
        const failed = records.filter((r) => r.body === 'b' && r.attributes.ApproximateReceiveCount === '1');
        return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });

    poller.start();
    await waitFor(async () =>
      seen.some((s) => s.body === 'b' && s.receiveCount === '2') ? true : undefined,
    );
    await poller.stop();
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );

    expect(seen.filter((s) => s.body === 'a')).toEqual([{ body: 'a', receiveCount: '1' }]);
    expect(seen.filter((s) => s.body === 'c')).toEqual([{ body: 'c', receiveCount: '1' }]);
    expect(seen.filter((s) => s.body === 'b').map((s) => s.receiveCount)).toEqual(['1', '2']);
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('runs a batch-size-1 mapping one record per invocation, holding back a failed record’s group-mates', async () => {
    const name = `${uniqueName('poller-one')}.fifo`;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      }),
    );
    for (const [body, group] of [
      ['a1', 'a'],
      ['b1', 'b'],
      ['a2', 'a'],
      ['b2', 'b'],
    ]) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: group }));
    }
    const invocations: string[][] = [];
    const poller = queuePoller({
      sqs,
      queueUrl: QueueUrl!,
      queueArn: `arn:aws:sqs:${stack.aws.region}:${stack.aws.accountId}:${name}`,
      region: stack.aws.region,
      batchSize: 1,
      reportsBatchItemFailures: true,
      retryDelaySeconds: 1,
      log: () => undefined,
      invoke: async (event) => {
        const records = (event as { Records: Array<{ body: string }> }).Records;
        invocations.push(records.map((r) => r.body));
        // a1 fails on its first attempt: a2 must not run before it.
        if (records[0]!.body === 'a1' && invocations.flat().filter((b) => b === 'a1').length === 1) {
          throw new Error('crash');
        }
        return { batchItemFailures: [] };
      },
    });

    poller.start();
    await waitFor(async () => (invocations.flat().includes('a2') ? true : undefined));
    await poller.stop();
    const order = invocations.flat();

    expect(invocations.every((records) => records.length === 1)).toBe(true);
    expect(order.filter((b) => b.startsWith('a'))).toEqual(['a1', 'a1', 'a2']);
    expect(order.filter((b) => b.startsWith('b'))).toEqual(['b1', 'b2']);
  });

  it('redelivers the whole batch when the function throws', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('poller-throw') }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    let attempts = 0;
    const poller = queuePoller({
      sqs,
      queueUrl: QueueUrl!,
      queueArn: 'arn:aws:sqs:local:0:poller-throw',
      region: stack.aws.region,
      batchSize: 10,
      reportsBatchItemFailures: true,
      retryDelaySeconds: 1,
      log: () => undefined,
      invoke: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('crash');
        return {};
      },
    });

    poller.start();
    await waitFor(async () => (attempts >= 2 ? true : undefined));
    await poller.stop();
    const left: Message[] =
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }))).Messages ?? [];

    expect(attempts).toBe(2);
    expect(left).toEqual([]);
  });
});

describe('function sandboxes', () => {
  const fixture = {
    logicalId: 'Echo',
    name: 'echo',
    functionName: 'baton-test-echo',
    timeoutMs: 2000,
    env: { GREETING: 'hello', AWS_REGION: 'eu-west-2' },
    modulePath: join(import.meta.dirname, '../support/fixtures/echoHandler.ts'),
    exportName: 'handler',
  };

  it('runs the handler with the function’s own environment', async () => {
    const echo = functionProcess(fixture, () => undefined);

    const result = (await echo.invoke({ a: 1 })) as { event: unknown; greeting: string };
    await echo.stop();

    expect(result).toMatchObject({ event: { a: 1 }, greeting: 'hello' });
  });

  it('reports a thrown error as a failed invocation', async () => {
    const echo = functionProcess(fixture, () => undefined);

    await expect(echo.invoke({ fail: 'boom' })).rejects.toThrow('boom');
    await echo.stop();
  });

  it('fails an invocation whose sandbox is killed, and starts a fresh one for the next', async () => {
    const echo = functionProcess(fixture, () => undefined);
    const first = (await echo.invoke({})) as { pid: number };

    const inFlight = echo.invoke({ sleepMs: 1500 });
    await new Promise((r) => setTimeout(r, 200));
    echo.kill();

    await expect(inFlight).rejects.toThrow(/exited/);
    const second = (await echo.invoke({})) as { pid: number };
    expect(second.pid).not.toBe(first.pid);
    await echo.stop();
  });

  it('kills an invocation that runs past the function timeout', async () => {
    const echo = functionProcess({ ...fixture, timeoutMs: 500 }, () => undefined);

    await expect(echo.invoke({ sleepMs: 3000 })).rejects.toThrow(/timed out after 500 ms/);
    await echo.stop();
  });
});

describe('the local API gateway', () => {
  it('answers 404 with a JSON body for a route the template does not declare', async () => {
    const response = await fetch(`${stack.ingressUrl}/nowhere`, { method: 'POST' });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });

  it('refuses a body over API Gateway’s 10 MB limit with 413', async () => {
    const response = await fetch(`${stack.ingressUrl}/webhooks/mlflow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 'a'),
    });

    expect(response.status).toBe(413);
  });
});
