/**
 * The notifier on the local stack: a notification published on the real notifications topic
 * reaches the notifier in Lambda's SNS event shape, which claims it in the real table and posts
 * it to a local stand-in for Slack's Web API (SLACK_API_URL), with the bot token from SSM.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testStack, uniqueName } from '../support/localStack';
import { eventually } from '../support/registryWaits';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/** What Slack's Web API received, and what it answers next (default: ok). */
const received: Received[] = [];
const answers: Array<{ status: number; headers?: Record<string, string>; body: unknown }> = [];
const botToken = 'xoxb-local-test-token';
const logs: string[] = [];
let receiver: Server;
let stack: LocalStack;
let sns: SNSClient;

beforeAll(async () => {
  receiver = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({
      path: request.url ?? '',
      headers: request.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
    });
    const answer = answers.shift() ?? { status: 200, body: { ok: true, channel: 'C0123', ts: '1.000100' } };
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const slackApiUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api`;
  stack = await testStack('ca-central-1', {
    env: { SLACK_API_URL: slackApiUrl, SLACK_CHANNEL: '#ml-releases' },
    log: (line) => logs.push(line),
  });
  // The bot token goes where the notifier reads it in AWS: the parameter its environment names.
  const notifierEnv = (
    stack.template.Resources.NotifierLambdaFunction!.Properties as {
      Environment: { Variables: Record<string, string> };
    }
  ).Environment.Variables;
  const ssm = new SSMClient(awsClientConfig(stack.aws));
  await ssm.send(
    new PutParameterCommand({
      Name: notifierEnv.SLACK_BOT_TOKEN_PARAM,
      Value: botToken,
      Type: 'SecureString',
      Overwrite: true,
    }),
  );
  ssm.destroy();
  sns = new SNSClient(awsClientConfig(stack.aws));
});
afterAll(async () => {
  sns?.destroy();
  await stack?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

function approvalRequest(model: string): Notification {
  return {
    kind: 'approval.requested',
    model,
    version: '3',
    idempotencyKey: `approval:${model}:3`,
    runId: 'run-3',
    registeredBy: 'alice@example.com',
    checks: [{ id: 'metric.val_auc', passed: true, reason: 'val_auc 0.91 ≥ 0.8' }],
    metrics: { val_auc: 0.91 },
    champion: { version: '2', metrics: { val_auc: 0.89 } },
    approvers: ['U024BE7LH'],
    minApprovals: 1,
    expiresAt: '2030-01-01T00:00:00.000Z',
  };
}

async function publish(notification: Notification) {
  await sns.send(
    new PublishCommand({
      TopicArn: stack.resources.resolveString({ Ref: 'NotificationsTopic' }),
      Message: JSON.stringify(notification),
    }),
  );
}

const postsFor = (model: string) => received.filter((r) => JSON.stringify(r.body).includes(model));
const loggedFor = (key: string, message: string) =>
  logs.some((line) => line.startsWith('[notifier]') && line.includes(message) && line.includes(key));

describe('a notification published on the notifications topic', () => {
  it('is posted to Slack once with the bot token, the channel and the Approve/Reject buttons, though published twice', async () => {
    const model = uniqueName('notify-once');
    const notification = approvalRequest(model);

    await publish(notification);
    await publish(notification);
    await eventually(
      async () => (loggedFor(notification.idempotencyKey, 'notification duplicate') ? true : undefined),
      30_000,
      'the second delivery to be skipped',
    );

    const posts = postsFor(model);
    expect(posts).toHaveLength(1);
    const [post] = posts;
    expect(post!.path).toBe('/api/chat.postMessage');
    expect(post!.headers.authorization).toBe(`Bearer ${botToken}`);
    expect(post!.body.channel).toBe('#ml-releases');
    expect(post!.body.text).toContain(`${model} v3 awaits approval`);
    const actions = post!.body.blocks.find((b: { type: string }) => b.type === 'actions');
    expect(
      actions.elements.map((b: { action_id: string; style: string; value: string }) => [
        b.action_id,
        b.style,
        JSON.parse(b.value),
      ]),
    ).toEqual([
      ['baton.approve', 'primary', { model, version: '3', decision: 'approve' }],
      ['baton.reject', 'danger', { model, version: '3', decision: 'reject' }],
    ]);
  });

  it('is posted again after Slack rate-limited the first attempt, and then only once', async () => {
    const model = uniqueName('notify-retry');
    const notification = approvalRequest(model);
    answers.push({ status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });

    await publish(notification);
    await eventually(
      async () => (postsFor(model).length === 2 ? true : undefined),
      30_000,
      'the retried post',
    );
    await publish(notification);
    await eventually(
      async () => (loggedFor(notification.idempotencyKey, 'notification duplicate') ? true : undefined),
      30_000,
      'the third delivery to be skipped',
    );

    expect(postsFor(model)).toHaveLength(2);
    expect(logs.some((line) => line.includes('SlackRateLimitedError'))).toBe(true);
  });
});
