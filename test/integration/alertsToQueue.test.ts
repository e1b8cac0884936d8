/**
 * Monitoring alerts, for real on the emulator: a CloudWatch alarm message published on the alerts
 * SNS topic reaches the alarm queue through the stack's own subscription, the alarm function turns
 * it into an unrouted alert event on the FIFO promotion queue; an Alertmanager group POSTed to the
 * HTTP ingress becomes one event per alert. What is unauthenticated, or from another topic, is
 * refused or dropped and never queued.
 *
 * The stack runs without consumers, so no worker takes the events before the test reads them;
 * the test polls the alarm queue with the local runtime's own poller (Lambda's SQS event source,
 * partial batch failures included), feeding the stack's alarm function.
 */

import { readFileSync } from 'node:fs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../../local/resources';
import { type Poller, queuePoller } from '../../local/sqsPoller';
import type { LocalStack } from '../../local/stack';
import { testStack, uniqueName } from '../support/localStack';

const token = `alert-token-${uniqueName('it')}`;
const alarmSample = JSON.parse(readFileSync('events/samples/cloudwatch-alarm.json', 'utf8'));

let stack: LocalStack;
let sqs: SQSClient;
let promotionQueueUrl: string;
let alarmQueueUrl: string;
let alarmPoller: Poller;

beforeAll(async () => {
  stack = await testStack('ap-northeast-2', { consumers: false });
  sqs = new SQSClient(awsClientConfig(stack.aws));
  promotionQueueUrl = stack.resources.resolveString({ Ref: 'PromotionQueue' });
  alarmQueueUrl = stack.resources.resolveString({ Ref: 'AlarmQueue' });
  // The operator's step: the alert webhook token, in the parameter the template names.
  const ssm = new SSMClient(awsClientConfig(stack.aws));
  await ssm.send(
    new PutParameterCommand({
      Name: stack.runtime.functions.get('AlertWebhookLambdaFunction')!.env.ALERT_WEBHOOK_TOKEN_PARAM!,
      Value: token,
      Type: 'SecureString',
      Overwrite: true,
    }),
  );
  ssm.destroy();
  alarmPoller = queuePoller({
    sqs,
    queueUrl: alarmQueueUrl,
    queueArn: stack.resources.resolveString({ 'Fn::GetAtt': ['AlarmQueue', 'Arn'] }),
    region: stack.aws.region,
    batchSize: 10,
    reportsBatchItemFailures: true,
    retryDelaySeconds: 1,
    invoke: (event) => stack.runtime.invokers.get('AlarmQueueLambdaFunction')!.invoke(event),
    log: () => undefined,
  });
  alarmPoller.start();
});
afterAll(async () => {
  await alarmPoller?.stop();
  sqs?.destroy();
  await stack?.stop();
});

/** Everything taken off the promotion queue so far (deleted, so FIFO groups keep flowing). */
const received: Message[] = [];
const bodyOf = (message: Message) => JSON.parse(message.Body!);

async function drain(waitSeconds: number): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  while (Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: promotionQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (!Messages.length) continue;
    received.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: promotionQueueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

const alertsNamed = (name: string) => received.filter((m) => bodyOf(m).alert?.name === name);

async function receiveAlerts(name: string, count: number, timeoutSeconds = 30): Promise<Message[]> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const found = alertsNamed(name);
    if (found.length >= count) return found;
    if (Date.now() > deadline)
      throw new Error(
        `${found.length} of ${count} alerts named ${name} on the promotion queue after ${timeoutSeconds} s`,
      );
    await drain(1);
  }
}

async function alarmQueueIsEmpty(): Promise<boolean> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: alarmQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Attributes.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0'
  );
}

describe('CloudWatch alarm → alerts topic → alarm queue → alarm function → promotion queue', () => {
  it('queues the alarm as an unrouted alert in a group of its own (source and fingerprint)', async () => {
    const name = uniqueName('fraud-prod-5xx');
    const arn = `arn:aws:cloudwatch:${stack.aws.region}:${stack.aws.accountId}:alarm:${name}`;
    const alarm = { ...alarmSample, AlarmName: name, AlarmArn: arn };
    const sns = new SNSClient(awsClientConfig(stack.aws));

    await sns.send(
      new PublishCommand({
        TopicArn: stack.resources.resolveString({ Ref: 'AlertsTopic' }),
        Subject: `ALARM: "${name}"`,
        Message: JSON.stringify(alarm),
      }),
    );
    sns.destroy();
    const [message] = await receiveAlerts(name, 1);

    expect(bodyOf(message!)).toMatchObject({
      type: 'alert',
      model: 'baton.alerts',
      alert: {
        source: 'cloudwatch',
        name,
        state: 'firing',
        endpoint: 'fraud-prod',
        variant: 'AllTraffic',
        fingerprint: arn,
        at: '2026-11-22T11:59:12.345Z',
      },
    });
    // One group per alert (issue 13): a stuck alert never holds back another.
    expect(message!.Attributes?.MessageGroupId).toBe(`baton.alerts:cloudwatch:${arn}`);
  });

  it('acknowledges and drops an envelope from another topic: nothing queued, nothing left to retry', async () => {
    const name = uniqueName('forged');
    const forged = {
      Type: 'Notification',
      MessageId: uniqueName('m'),
      TopicArn: `arn:aws:sns:${stack.aws.region}:${stack.aws.accountId}:someone-elses-topic`,
      Message: JSON.stringify({ ...alarmSample, AlarmName: name, AlarmArn: undefined }),
      Timestamp: new Date().toISOString(),
    };

    await sqs.send(new SendMessageCommand({ QueueUrl: alarmQueueUrl, MessageBody: JSON.stringify(forged) }));
    const deadline = Date.now() + 20_000;
    while (!(await alarmQueueIsEmpty()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    await drain(2);

    expect(await alarmQueueIsEmpty()).toBe(true);
    expect(alertsNamed(name)).toEqual([]);
  });
});

describe('Alertmanager → HTTP ingress → promotion queue', () => {
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${stack.ingressUrl}/alerts/alertmanager`, { method: 'POST', headers, body });
  const group = (name: string) =>
    JSON.stringify({
      version: '4',
      status: 'firing',
      receiver: 'baton',
      groupKey: `{}:{alertname="${name}"}`,
      groupLabels: { alertname: name },
      commonLabels: { alertname: name, model: 'fraud-detector' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      truncatedAlerts: 0,
      alerts: ['fraud-prod-0', 'fraud-prod-1', 'fraud-prod-2'].map((instance, i) => ({
        status: 'firing',
        labels: { alertname: name, model: 'fraud-detector', endpoint: 'fraud-prod', instance },
        annotations: { summary: `5xx on ${instance}` },
        startsAt: '2026-11-22T11:52:03.871Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: `a1b2c3d4e5f6a7b${i}`,
      })),
    });

  it('answers 401 with a JSON error to a request without the token', async () => {
    const name = uniqueName('Unauthenticated');

    const response = await post(group(name), { 'content-type': 'application/json' });

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      error: 'absent_token',
      detail: 'Authorization header is missing',
    });
    await drain(3);
    expect(alertsNamed(name)).toEqual([]);
  });

  it('answers 401 to a wrong token and queues nothing', async () => {
    const name = uniqueName('WrongToken');

    const response = await post(group(name), {
      'content-type': 'application/json',
      authorization: `Bearer ${token}-not`,
    });

    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_token');
    await drain(3);
    expect(alertsNamed(name)).toEqual([]);
  });

  it('queues the three alerts of a group posted with the token, and answers 202', async () => {
    const name = uniqueName('HighErrorRate');

    const response = await post(group(name), {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ queued: 3 });
    const messages = await receiveAlerts(name, 3);
    expect(messages.map((m) => bodyOf(m).alert.labels.instance).sort()).toEqual([
      'fraud-prod-0',
      'fraud-prod-1',
      'fraud-prod-2',
    ]);
    for (const message of messages) {
      expect(bodyOf(message)).toMatchObject({
        model: 'baton.alerts',
        alert: { source: 'alertmanager', state: 'firing', model: 'fraud-detector', endpoint: 'fraud-prod' },
      });
      // One group per alert (issue 13): its source and Alertmanager's fingerprint.
      expect(message.Attributes?.MessageGroupId).toBe(
        `baton.alerts:alertmanager:${bodyOf(message).alert.fingerprint}`,
      );
    }
  });
});
