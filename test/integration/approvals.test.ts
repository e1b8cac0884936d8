import { resolve } from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { championAt } from '../../lib/domain/history';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { startReceiver } from '../support/receiver';
import { eventually, tagsOf } from '../support/registryWaits';
import { approvalLinkIn, sesOutbox } from '../support/sesOutbox';
import { slackHeaders } from '../support/signing';

let stack: LocalStack;
let api: ReturnType<typeof mlflowApi>;
let store: DynamoPromotionStore;
let probe: Awaited<ReturnType<typeof notificationProbe>>;
let slack: Awaited<ReturnType<typeof startReceiver>>;
const model = uniqueName('appr-fraud');

beforeAll(async () => {
  slack = await startReceiver();
  stack = await testStack('us-west-2', {
    // The tick (expiry, sweeps) every 2 s instead of every minute.
    scheduleSeconds: 2,
    env: {
      POLICIES_DIR: resolve('test/fixtures/approval-policies'),
      SLACK_RESPONSE_HOSTS: '127.0.0.1',
      // The notifier posts to this local stand-in for Slack's Web API, with a bot token from SSM.
      SLACK_API_URL: `${slack.url}/api`,
      SLACK_CHANNEL: '#ml-releases',
    },
  });
  const notifierEnv = (
    stack.template.Resources.NotifierLambdaFunction!.Properties as {
      Environment: { Variables: Record<string, string> };
    }
  ).Environment.Variables;
  await new SSMClient(awsClientConfig(stack.aws)).send(
    new PutParameterCommand({
      Name: notifierEnv.SLACK_BOT_TOKEN_PARAM,
      Value: 'xoxb-approvals-test',
      Type: 'SecureString',
      Overwrite: true,
    }),
  );
  api = mlflowApi(stack.mlflowUrl);
  const _config = awsClientConfig(stack.aws);
  store = testStore(stack);
  probe = await notificationProbe(stack);

  await api.ensureRegisteredModel(model);
});
afterAll(async () => {
  await stack?.stop();
  await slack?.close();
});

async function notification(kind: string, version: string): Promise<Notification> {
  return probe.find((n) => n.kind === kind && n.model === model && n.version === version);
}

async function registerValidated(): Promise<string> {
  const runId = await api.createRun('baton-approval-tests', { val_auc: 0.93 });
  const created = await api.createModelVersion(model, runId, { description: 'candidate' });
  await notification('approval.requested', created.version);
  return created.version;
}

async function aliasesOf(version: string) {
  return (await api.getModelVersion(model, version)).aliases ?? [];
}

function slackClick(version: string, actor: string, decision: 'approve' | 'reject') {
  const payload = {
    type: 'block_actions',
    user: { id: actor },
    trigger_id: `${Date.now()}.${version}.${actor}`,
    response_url: `${slack.url}/actions/${version}`,
    actions: [
      { action_id: `baton.${decision}`, type: 'button', value: JSON.stringify({ model, version, decision }) },
    ],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return fetch(`${stack.ingressUrl}/slack/interactions`, {
    method: 'POST',
    headers: slackHeaders(stack.secrets.slackSigningSecret, body),
    body,
  });
}

describe('approval by Slack and by signed link', () => {
  it('makes a Slack-approved challenger the champion, and answers the click', async () => {
    const v1 = await registerValidated();
    expect(tagsOf(await api.getModelVersion(model, v1))['baton.phase']).toBe('awaiting_approval');
    expect(await aliasesOf(v1)).toEqual(['challenger']);

    // The approval request as Slack receives it: chat.postMessage with the Approve and Reject buttons.
    const posted = await eventually(
      async () =>
        slack.received
          .filter((r) => r.path === '/api/chat.postMessage')
          .map((r) => ({ headers: r.headers, body: JSON.parse(r.body) }))
          .find((r) => JSON.stringify(r.body).includes(`Approval requested: ${model} v${v1}`)),
      20_000,
      'the approval request in Slack',
    );
    expect(posted.headers.authorization).toBe('Bearer xoxb-approvals-test');
    expect(posted.body.channel).toBe('#ml-releases');
    const buttons = posted.body.blocks.find((b: { type: string }) => b.type === 'actions').elements;
    expect(
      buttons.map((b: { action_id: string; value: string }) => [b.action_id, JSON.parse(b.value)]),
    ).toEqual([
      ['baton.approve', { model, version: v1, decision: 'approve' }],
      ['baton.reject', { model, version: v1, decision: 'reject' }],
    ]);

    const response = await slackClick(v1, 'U0APPROVER', 'approve');

    expect(response.status).toBe(200);
    // The tags follow the champion alias, written in parallel: wait until all of them are there.
    const tags = await eventually(
      async () => {
        const t = tagsOf(await api.getModelVersion(model, v1));
        return t['baton.phase'] === 'promoted' && t['baton.promoted_at'] && t['baton.approved_by']
          ? t
          : undefined;
      },
      30_000,
      'v1 promoted',
    );
    expect(await aliasesOf(v1)).toEqual(['champion']);
    expect(tags).toMatchObject({ 'baton.phase': 'promoted', 'baton.approved_by': 'U0APPROVER' });
    const answer = await eventually(
      async () => slack.received.find((r) => r.path === `/actions/${v1}`),
      10_000,
      'the response_url update',
    );
    expect(JSON.parse(answer.body)).toEqual({
      replace_original: true,
      text: `Approved by U0APPROVER: promoting v${v1} to champion.`,
    });
  });

  it('makes a link-approved challenger the champion and the previous champion archive; the link works once', async () => {
    const v1 = (await api.getModelVersion(model, '1')).version;
    const v2 = await registerValidated();
    // The link arrives by e-mail to its approver alone (the broadcast carries none).
    const mail = await sesOutbox(stack.motoUrl).find(
      (m) => m.to.includes('approver@example.com') && m.subject.includes(`${model} v${v2}`),
    );
    const link = approvalLinkIn(mail.body);
    expect(link).toMatch(new RegExp(`^${stack.ingressUrl}/approvals/`));

    const page = await fetch(link!);
    const decided = await fetch(link!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    const reused = await fetch(link!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });

    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Approve ${model} v${v2}?`);
    expect(decided.status).toBe(200);
    expect(await decided.text()).toContain('Your approval is recorded');
    expect(reused.status).toBe(409);
    await eventually(
      async () => ((await aliasesOf(v2)).includes('champion') ? true : undefined),
      30_000,
      'champion on v2',
    );
    expect(await aliasesOf(v1)).toEqual(['archive']);
    // The previous champion's tags are written after the aliases move: wait for them.
    await eventually(
      async () =>
        tagsOf(await api.getModelVersion(model, v1))['baton.phase'] === 'archived' ? true : undefined,
      30_000,
      'v1 tagged archived',
    );
  });

  it('refuses a Slack click from someone who is not an approver, and tells them why', async () => {
    const v3 = await registerValidated();

    await slackClick(v3, 'U0STRANGER', 'approve');

    const answer = await eventually(
      async () => slack.received.find((r) => r.path === `/actions/${v3}`),
      20_000,
      'the refusal',
    );
    expect(JSON.parse(answer.body).text).toBe(`Not recorded: U0STRANGER is not an approver of ${model}`);
    expect(await aliasesOf(v3)).toEqual(['challenger']);
  });

  it('keeps an audit trail of who approved what, and when', async () => {
    const audit = await store.listAudit(model);

    const promotions = audit
      .filter((a) => a.kind === 'promotion.completed')
      .map((a) => `v${a.version} by ${a.actor}`);

    expect(promotions).toEqual(['v1 by U0APPROVER', 'v2 by approver@example.com']);
  });

  it('puts the champion back when someone moves it outside Baton, and records it', async () => {
    const v2 = (await api.getModelVersion(model, '2')).version;
    const v3 = (await api.getModelVersion(model, '3')).version;

    await api.call('POST', 'registered-models/alias', { name: model, alias: 'champion', version: v3 });
    // The audit entry is stored after the revert is applied: wait for it, then look at the aliases.
    const changes = await eventually(
      async () => {
        const found = (await store.listAudit(model)).filter((a) => a.kind === 'champion.changed_externally');
        return found.length ? found : undefined;
      },
      30_000,
      'the audit entry',
    );

    expect(changes.map((a) => a.evidence)).toEqual([{ from: v2, to: v3, reverted: true }]);
    expect(await aliasesOf(v2)).toContain('champion');
    expect(await aliasesOf(v3)).not.toContain('champion');
  });

  it('closes a request nobody answered in time as expired, and says so', async () => {
    const expiring = uniqueName('appr-expiring');
    await api.ensureRegisteredModel(expiring);
    const { version } = await api.createModelVersion(
      expiring,
      await api.createRun('baton-approval-tests', { val_auc: 0.9 }),
    );

    const notice = await probe.find((n) => n.kind === 'approval.expired' && n.model === expiring, 30_000);

    expect(notice).toMatchObject({ version });
    const expired = await api.getModelVersion(expiring, version);
    expect(tagsOf(expired)['baton.phase']).toBe('expired');
    expect(expired.aliases ?? []).toEqual([]);
  });

  it('answers which version was champion before, between and after the two promotions', async () => {
    const audit = await store.listAudit(model);
    const [first, second] = audit
      .filter((a) => a.kind === 'promotion.completed')
      .map((a) => Date.parse(a.at));

    const at = (ms: number) => championAt(audit, new Date(ms))?.version ?? null;

    expect([at(first! - 1), at(first!), at(second! - 1), at(second! + 60_000)]).toEqual([
      null,
      '1',
      '1',
      '2',
    ]);
  });
});
