/**
 * Signed approval links on the real MLflow server and the emulator: each approver's link reaches
 * that approver alone (an SES e-mail for the approver with an address, read back from the
 * emulator; a Slack direct message for the approver with only a Slack id, caught by a local
 * stand-in for Slack's Web API), the broadcast on the notifications topic carries no link, and
 * only the canonical spelling of a link decides.
 */
import { resolve } from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testStack, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { startReceiver } from '../support/receiver';
import { eventually, tagsOf } from '../support/registryWaits';
import { approvalLinkIn, type SentEmail, sesOutbox } from '../support/sesOutbox';

let stack: LocalStack;
let api: ReturnType<typeof mlflowApi>;
let probe: Awaited<ReturnType<typeof notificationProbe>>;
let slack: Awaited<ReturnType<typeof startReceiver>>;
let outbox: ReturnType<typeof sesOutbox>;
// The fixture's policy asks U0APPROVER (a Slack id alone) and approver@example.com (an address alone).
const model = uniqueName('appr-links');
let version: string;
let broadcast: Notification;
let mailed: SentEmail;
let messaged: { authorization: string; body: { channel: string; text: string } };

beforeAll(async () => {
  slack = await startReceiver((r) =>
    r.path === '/api/chat.postMessage' ? { status: 200, body: '{"ok":true}' } : { status: 200, body: 'ok' },
  );
  stack = await testStack('ap-northeast-3', {
    env: {
      POLICIES_DIR: resolve('test/fixtures/approval-policies'),
      SLACK_API_URL: `${slack.url}/api`,
      SLACK_CHANNEL: '#ml-releases',
    },
  });
  const workerEnv = (
    stack.template.Resources.WorkerLambdaFunction!.Properties as {
      Environment: { Variables: Record<string, string> };
    }
  ).Environment.Variables;
  await new SSMClient(awsClientConfig(stack.aws)).send(
    new PutParameterCommand({
      Name: workerEnv.SLACK_BOT_TOKEN_PARAM,
      Value: 'xoxb-links-test',
      Type: 'SecureString',
      Overwrite: true,
    }),
  );
  api = mlflowApi(stack.mlflowUrl);
  probe = await notificationProbe(stack);
  outbox = sesOutbox(stack.motoUrl);
  await api.ensureRegisteredModel(model);

  version = (await api.createModelVersion(model, await api.createRun('baton-link-tests', { val_auc: 0.93 })))
    .version;
  broadcast = await probe.find((n) => n.kind === 'approval.requested' && n.model === model);
  mailed = await outbox.find((m) => m.subject.endsWith(`${model} v${version}`));
  messaged = await eventually(
    async () =>
      slack.received
        .filter((r) => r.path === '/api/chat.postMessage')
        .map((r) => ({ authorization: String(r.headers.authorization), body: JSON.parse(r.body) }))
        .find((r) => r.body.channel === 'U0APPROVER' && r.body.text.includes(`${model} v${version}`)),
    30_000,
    'the direct message to U0APPROVER',
  );
});
afterAll(async () => {
  await stack?.stop();
  await slack?.close();
});

/** The approver a link's token names (its payload is base64url JSON). */
function approverNamedBy(link: string): string {
  const payload = link.split('/approvals/')[1]!.split('.')[0]!;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).approver;
}

/** The same token with its MAC's two spare bits set: decodes to the same bytes, but is not Baton's spelling. */
function respelled(link: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(link.at(-1)!);
  return `${link.slice(0, -1)}${alphabet[last | 3]}`;
}

function decide(link: string, decision: 'approve' | 'reject') {
  return fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `decision=${decision}`,
  });
}

describe('signed approval links, each to its own approver', () => {
  it('e-mails exactly one message through SES, to the approver with an address, from the sender', async () => {
    const forThisVersion = (await outbox.all()).filter((m) => m.subject.includes(`${model} v${version}`));

    expect(forThisVersion).toHaveLength(1);
    expect(forThisVersion[0]).toMatchObject({
      from: 'baton@baton.local',
      to: ['approver@example.com'],
      subject: `Approval requested: ${model} v${version}`,
    });
    expect(approverNamedBy(approvalLinkIn(mailed.body)!)).toBe('approver@example.com');
  });

  it('sends the approver with only a Slack id their own link by direct message, with the bot token', async () => {
    const link = approvalLinkIn(messaged.body.text.replace(/<([^|>]+)\|[^>]*>/g, '$1'));
    const page = await fetch(link!);

    expect(messaged.authorization).toBe('Bearer xoxb-links-test');
    expect(link).toMatch(new RegExp(`^${stack.ingressUrl}/approvals/`));
    expect(approverNamedBy(link!)).toBe('U0APPROVER');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Approve ${model} v${version}?`);
  });

  it('announces who is asked on the notifications topic, and no link or token', async () => {
    const text = JSON.stringify(broadcast);
    const token = approvalLinkIn(mailed.body)!.split('/approvals/')[1]!;

    expect(broadcast).toMatchObject({ approvers: ['U0APPROVER', 'approver@example.com'] });
    expect(text).not.toContain('/approvals/');
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toContain('"links"');
  });

  it('refuses a non-canonical spelling of the e-mailed link with 401, and the canonical one decides once', async () => {
    const link = approvalLinkIn(mailed.body)!;

    const respelledFirst = await decide(respelled(link), 'reject');
    const canonical = await decide(link, 'approve');
    const respelledAfter = await decide(respelled(link), 'reject');
    const canonicalAgain = await decide(link, 'reject');

    expect([respelledFirst.status, canonical.status, respelledAfter.status, canonicalAgain.status]).toEqual([
      401, 200, 401, 409,
    ]);
    expect(await respelledFirst.text()).toContain('Baton cannot trust it: the link is malformed.');
    const tags = await eventually(
      async () => {
        const t = tagsOf(await api.getModelVersion(model, version));
        return t['baton.phase'] === 'promoted' && t['baton.approved_by'] ? t : undefined;
      },
      30_000,
      'the version promoted',
    );
    expect(tags['baton.approved_by']).toBe('approver@example.com');
  });
});
