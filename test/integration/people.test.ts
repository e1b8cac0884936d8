/**
 * People, not strings, on the real stack (MLflow + the AWS emulator): one person approving by Slack
 * and then by a signed link counts once, and the person who registered a version cannot approve
 * it by clicking from Slack under another identity.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { signApprovalToken } from '../../lib/app/ingress/approvalToken';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { startReceiver } from '../support/receiver';
import { eventually, settledPhase, tagsOf } from '../support/registryWaits';
import { slackHeaders } from '../support/signing';

let stack: LocalStack;
let api: ReturnType<typeof mlflowApi>;
let store: DynamoPromotionStore;
let slack: Awaited<ReturnType<typeof startReceiver>>;
const model = uniqueName('people-fraud');

beforeAll(async () => {
  slack = await startReceiver();
  stack = await testStack('eu-central-2', {
    env: { POLICIES_DIR: resolve('test/fixtures/people-policies'), SLACK_RESPONSE_HOSTS: '127.0.0.1' },
  });
  api = mlflowApi(stack.mlflowUrl);
  store = testStore(stack);
  await api.ensureRegisteredModel(model);
});
afterAll(async () => {
  await stack?.stop();
  await slack?.close();
});

/** A version whose run `user` started (the registry's record of who registered it), once it waits for approval. */
async function registeredBy(user: string): Promise<string> {
  const { experiment_id } = await api.call<{ experiment_id: string }>('POST', 'experiments/create', {
    name: uniqueName('baton-people-tests'),
  });
  const { run } = await api.call<{ run: { info: { run_id: string } } }>('POST', 'runs/create', {
    experiment_id,
    user_id: user,
    start_time: Date.now(),
    tags: [{ key: 'mlflow.user', value: user }],
  });
  const runId = run.info.run_id;
  await api.call('POST', 'runs/log-batch', {
    run_id: runId,
    metrics: [{ key: 'val_auc', value: 0.93, timestamp: Date.now(), step: 0 }],
  });
  await api.call('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  const { version } = await api.createModelVersion(model, runId, { description: 'candidate' });
  await settledPhase(store, model, version, ['awaiting_approval']);
  return version;
}

/** A Slack click on Approve by `actor`; resolves to the text Baton answers on the response_url. */
async function approveInSlack(version: string, actor: string): Promise<string> {
  const url = `/actions/${version}/${actor}`;
  const payload = {
    type: 'block_actions',
    user: { id: actor },
    trigger_id: `${Date.now()}.${version}.${actor}`,
    response_url: `${slack.url}${url}`,
    actions: [
      {
        action_id: 'baton.approve',
        type: 'button',
        value: JSON.stringify({ model, version, decision: 'approve' }),
      },
    ],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const response = await fetch(`${stack.ingressUrl}/slack/interactions`, {
    method: 'POST',
    headers: slackHeaders(stack.secrets.slackSigningSecret, body),
    body,
  });
  expect(response.status).toBe(200);
  const answer = await eventually(
    async () => slack.received.find((r) => r.path === url),
    30_000,
    `the answer to ${actor}`,
  );
  return JSON.parse(answer.body).text;
}

/** Approves through a signed link naming `approver`, as the link an approver receives does. */
async function approveByLink(version: string, approver: string): Promise<number> {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const token = signApprovalToken({ model, version, approver, exp }, stack.secrets.approvalLinkKey);
  const response = await fetch(`${stack.ingressUrl}/approvals/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=approve',
  });
  return response.status;
}

describe('approvers are people, whichever identity they act with', () => {
  it('counts bob once when he approves by Slack and then by link: 1 of 2, not promoted', async () => {
    const version = await registeredBy('carol');

    const bySlack = await approveInSlack(version, 'U0BOB');
    const byLink = await approveByLink(version, 'bob@example.com');
    // Decisions on one model are processed in order: once this click is answered, the link was decided.
    await approveInSlack(version, 'U0STRANGER');

    expect(bySlack).toBe(`Approved by bob (1 of 2); waiting for more approvers.`);
    expect(byLink).toBe(200);
    const state = await store.getVersion(model, version);
    expect(state?.phase).toBe('awaiting_approval');
    expect(state?.approvals?.map((a) => [a.by, a.identity, a.via])).toEqual([['bob', 'U0BOB', 'slack']]);
    const registered = await api.getModelVersion(model, version);
    expect(tagsOf(registered)['baton.phase']).toBe('awaiting_approval');
    expect(registered.aliases ?? []).toEqual(['challenger']);
    // The link was decided, and answered as a second approval by the same person.
    const linkAnswers = (await store.listAudit(model)).filter(
      (a) => a.version === version && a.evidence.via === 'link',
    );
    expect(linkAnswers.map((a) => JSON.stringify(a.evidence))).toEqual([
      expect.stringContaining('bob has already approved'),
    ]);
  });

  it('refuses alice clicking from Slack on a version she registered as the registry user alice', async () => {
    const version = await registeredBy('alice');

    const answer = await approveInSlack(version, 'U0ALICE');

    expect((await store.getVersion(model, version))?.registeredBy).toBe('alice');
    expect(answer).toBe(`Not recorded: alice (U0ALICE) registered v${version} and cannot approve it`);
    expect((await store.getVersion(model, version))?.approvals ?? []).toEqual([]);
  });
});
