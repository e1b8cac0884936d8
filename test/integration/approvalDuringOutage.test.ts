/**
 * An approval given while the registry is unreachable for a minute: the worker cannot read the
 * aliases the decision needs, nor move them. The approval is stored on the version's record when it
 * arrives and its message is acknowledged (the local queue's visibility timeout is 1 s and a
 * message has 8 receives: retried by the queue, it would be dead-lettered well within the
 * outage); the tick comes back for it, and once the registry answers again the version is
 * promoted exactly once, with nothing in any dead-letter queue. Baton reaches MLflow through a
 * fault proxy that resets every connection during the outage; MLflow itself stays up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { runBatonCli } from '../support/batonCli';
import { type FaultProxy, startFaultProxy } from '../support/faultProxy';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { startReceiver } from '../support/receiver';
import { eventually, tagsOf } from '../support/registryWaits';
import { slackHeaders } from '../support/signing';

/** How long the registry stays unreachable after the approval. */
const outageMs = 60_000;
const deadLetterQueues = ['PromotionDeadLetterQueue', 'AlarmDeadLetterQueue', 'NotificationsDeadLetterQueue'];

const logs: string[] = [];
let proxy: FaultProxy;
let stack: LocalStack;
let store: DynamoPromotionStore;
let sqs: SQSClient;
let slack: Awaited<ReturnType<typeof startReceiver>>;
let probe: Awaited<ReturnType<typeof notificationProbe>>;
const api = () => mlflowApi(inject('mlflowUrl'));
const model = uniqueName('outage-appr');
/**
 * A policy of this file's own: the stack's webhook hears every model on the shared MLflow, and
 * another file's models must not be validated (or retried through the outage) by this stack.
 */
const policy = `model: outage-appr-*
checks:
  runStatus: [FINISHED]
  metrics:
    - { name: val_auc, min: 0.8 }
approval:
  required: true
  approvers: [U0APPROVER]
  minApprovals: 1
  expiresAfter: 1h
`;
let policies: string;

beforeAll(async () => {
  policies = mkdtempSync(join(tmpdir(), 'baton-outage-approval-'));
  writeFileSync(join(policies, 'outage.yaml'), policy);
  slack = await startReceiver();
  proxy = await startFaultProxy(inject('mlflowUrl'));
  stack = await testStack('mx-central-1', {
    services: { mlflowUrl: proxy.url, motoUrl: inject('motoUrl') },
    scheduleSeconds: 2,
    retryDelaySeconds: 1,
    env: { POLICIES_DIR: policies, SLACK_RESPONSE_HOSTS: '127.0.0.1' },
    log: (line) => logs.push(`${new Date().toISOString()} ${line}`),
  });
  store = testStore(stack);
  sqs = new SQSClient(awsClientConfig(stack.aws));
  probe = await notificationProbe(stack);
  await api().ensureRegisteredModel(model);
});
afterAll(async () => {
  // The stack removes its webhook through the proxy.
  proxy?.set('forward');
  sqs?.destroy();
  await stack?.stop();
  await proxy?.close();
  await slack?.close();
  if (policies) rmSync(policies, { recursive: true, force: true });
});
beforeEach(({ onTestFailed }) => onTestFailed(() => console.log(`--- Baton logs ---\n${logs.join('\n')}`)));

/** Messages in a queue, visible or in flight. */
async function depth(queue: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: stack.resources.resolveString({ Ref: queue }),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

function slackApprove(version: string) {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0APPROVER' },
    trigger_id: `${Date.now()}.${version}`,
    response_url: `${slack.url}/actions/${version}`,
    actions: [
      {
        action_id: 'baton.approve',
        type: 'button',
        value: JSON.stringify({ model, version, decision: 'approve' }),
      },
    ],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return fetch(`${stack.ingressUrl}/slack/interactions`, {
    method: 'POST',
    headers: slackHeaders(stack.secrets.slackSigningSecret, body),
    body,
  });
}

describe('an approval given during a registry outage', () => {
  it('is stored at once, applied when the registry returns, and nothing reaches a dead-letter queue', async () => {
    // Prepare: a validated version waiting for its approver.
    const runId = await api().createRun('baton-outage-approval', { val_auc: 0.93 });
    const { version } = await api().createModelVersion(model, runId, { description: 'candidate' });
    await probe.find((n) => n.kind === 'approval.requested' && n.model === model && n.version === version);

    // Act: the registry becomes unreachable, and the approver clicks Approve.
    proxy.set('reset');
    const outageEnds = Date.now() + outageMs;
    const answer = await slackApprove(version);
    const kept = await eventually(
      async () => {
        const state = await store.getVersion(model, version);
        return state?.intent?.attempts && state.intent.received.length ? state : undefined;
      },
      20_000,
      'the approval kept on the record after a failed attempt',
    );
    // What an operator sees meanwhile: the approval waiting, its attempts and why it is stuck.
    const status = await runBatonCli(stack, ['status', model], { POLICIES_DIR: policies });
    const attemptsDuring = await eventually(
      async () => {
        const attempts = (await store.getVersion(model, version))?.intent?.attempts ?? 0;
        return Date.now() >= outageEnds ? attempts : undefined;
      },
      outageMs + 10_000,
      'the end of the outage',
    );
    const deadDuring = await Promise.all(deadLetterQueues.map(depth));
    proxy.set('forward');

    // Assess: promoted once the registry answers again, once.
    const tags = await eventually(
      async () => {
        const t = tagsOf(await api().getModelVersion(model, version));
        return t['baton.phase'] === 'promoted' && t['baton.approved_by'] ? t : undefined;
      },
      120_000,
      `${model} v${version} promoted after the outage`,
    );
    const promoted = await probe.find((n) => n.kind === 'promotion.completed' && n.model === model);
    await eventually(
      async () => ((await store.getVersion(model, version))?.intent === undefined ? true : undefined),
      20_000,
      'the stored work cleared',
    );
    const audit = (await store.listAudit(model)).filter((a) => a.version === version).map((a) => a.kind);
    const announced = (await probe.drain()).filter(
      (n) => n.kind === 'promotion.completed' && n.model === model,
    );
    console.log(
      `approval during a ${outageMs / 1000} s registry outage: attempts while down ${attemptsDuring}, ` +
        `proxy resets ${proxy.stats().reset}, dead letters ${deadDuring.join('/')}`,
    );

    expect(answer.status).toBe(200);
    expect(kept.intent?.received.map((e) => e.type)).toEqual(['decision']);
    expect(attemptsDuring).toBeGreaterThanOrEqual(2);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(
        `^  v${version}  to decide \\(1\\): approve by U0APPROVER \\(slack\\)\n` +
          '      attempts [1-9]\\d*, next retry \\S+Z\n' +
          '      last error: Registry\\w*Error: ',
        'm',
      ),
    );
    expect(tags).toMatchObject({ 'baton.phase': 'promoted', 'baton.approved_by': 'U0APPROVER' });
    expect((await api().getModelVersion(model, version)).aliases).toEqual(['champion']);
    expect(promoted.version).toBe(version);
    expect(announced).toHaveLength(1);
    expect(audit.filter((k) => k === 'approval.recorded' || k === 'promotion.completed')).toEqual([
      'approval.recorded',
      'promotion.completed',
    ]);
    expect(deadDuring).toEqual([0, 0, 0]);
    expect(await Promise.all(deadLetterQueues.map(depth))).toEqual([0, 0, 0]);
  }, 240_000);
});
