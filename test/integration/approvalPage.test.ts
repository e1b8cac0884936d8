/**
 * The signed approval page in a real headless Chromium: open the link an approver received,
 * click Approve, see the confirmation, and find `champion` moved in MLflow.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testStack, uniqueName } from '../support/localStack';
import { eventually } from '../support/registryWaits';

const executablePath = process.env.BATON_CHROMIUM ?? '/usr/bin/chromium';
let stack: LocalStack;
let browser: Browser;
let sqs: SQSClient;
let probe: string;

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: install it (apt-get install chromium) or set BATON_CHROMIUM`,
    );
  }
  stack = await testStack('sa-east-1', { env: { POLICIES_DIR: resolve('test/fixtures/approval-policies') } });
  sqs = new SQSClient(awsClientConfig(stack.aws));
  const name = uniqueName('page-probe');
  probe = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  await new SNSClient(awsClientConfig(stack.aws)).send(
    new SubscribeCommand({
      TopicArn: stack.resources.resolveString({ Ref: 'NotificationsTopic' }),
      Protocol: 'sqs',
      Endpoint: `arn:aws:sqs:${stack.aws.region}:${stack.aws.accountId}:${name}`,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the approval page in a browser', () => {
  it('approves with one click and the version becomes champion in MLflow', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    const model = uniqueName('appr-page');
    await api.ensureRegisteredModel(model);
    const { version } = await api.createModelVersion(
      model,
      await api.createRun('baton-page-tests', { val_auc: 0.9 }),
    );
    const request = await eventually(async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: probe, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return Messages.map((m) => JSON.parse(m.Body!) as Notification).find(
        (n) => n.kind === 'approval.requested' && n.model === model,
      );
    });
    const link = request.kind === 'approval.requested' ? request.links?.['approver@example.com'] : undefined;
    const page = await browser.newPage();

    await page.goto(link!);
    const heading = await page.textContent('h1');
    await page.click('button.approve');
    const confirmation = await page.textContent('#confirmation');

    expect(heading).toBe(`Approve ${model} v${version}?`);
    expect(confirmation).toContain(`Your approval of ${model} v${version} has been`);
    await eventually(
      async () =>
        (await api.getModelVersion(model, version)).aliases?.includes('champion') ? true : undefined,
      30_000,
      'champion',
    );
  });
});
