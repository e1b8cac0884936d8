/**
 * The worker's other secrets rotate without a cold start too: the approval-link key, the Slack bot
 * token for approval DMs, the retrain signing key and the Databricks job token are each read where
 * they are used, through one SsmSecretStore (60 s cache, injected clock) whose SSM value the test
 * rotates. Links signed with the previous key still open while the parameter holds `new,old`.
 */
import type { GetParameterCommand } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { SlackDirectMessages } from '../../lib/adapters/notify/slackDirectMessages';
import { verifyRetrainSignature } from '../../lib/adapters/retrain/httpRetrain';
import { type SsmCaller, SsmSecretStore, secretSource } from '../../lib/adapters/secrets/secretStore';
import { answerApprovalLink } from '../../lib/app/answerApprovalLink';
import { type ApprovalRequest, SignedApprovalLinks } from '../../lib/app/approvalLinks';
import { verifyApprovalToken } from '../../lib/app/ingress/approvalToken';
import type { RetrainRequest } from '../../lib/domain/retrainPorts';
import { artefactRowsOf } from '../../lib/wiring/catalog';
import { createRetrain } from '../../lib/wiring/createRetrain';

const param = '/baton/unit/secret';
const now = new Date('2026-11-22T12:00:00Z');

/** SSM holding one parameter whose value the test rotates; counts the reads. */
function setup(initial: string) {
  const ssm = {
    value: initial,
    reads: 0,
    async send(command: GetParameterCommand) {
      ssm.reads++;
      return { Parameter: { Name: command.input.Name, Value: ssm.value } };
    },
  };
  const clock = { ms: now.getTime() };
  const secrets = new SsmSecretStore(ssm as unknown as SsmCaller, 60_000, () => clock.ms);
  return { ssm, clock, secrets, source: secretSource(secrets, param) };
}

/** An HTTP receiver that records each request's headers and answers `status` (200 by default). */
function receiver(
  answer: (authorization: string) => { status: number; body: unknown } = () => ({
    status: 200,
    body: { ok: true },
  }),
) {
  const requests: Array<{ headers: Headers; body: string }> = [];
  const fetch: typeof globalThis.fetch = async (_url, init) => {
    const headers = new Headers(init?.headers);
    requests.push({ headers, body: String(init?.body ?? '') });
    const { status, body } = answer(headers.get('authorization') ?? '');
    return new Response(JSON.stringify(body), { status });
  };
  return { requests, fetch };
}

const approvalRequest: ApprovalRequest = {
  kind: 'approval.requested',
  model: 'fraud',
  version: '7',
  idempotencyKey: 'approval:fraud:7',
  checks: [],
  metrics: {},
  champion: null,
  approvers: ['bob@example.com'],
  minApprovals: 1,
  expiresAt: '2026-11-25T12:00:00.000Z',
};

const retrainRequest: RetrainRequest = {
  model: 'fraud',
  version: '7',
  reason: 'drift alarm',
  requestedAt: now.toISOString(),
  idempotencyKey: 'retrain:fraud:7:1',
};

/** The token of a link, and which of `keys` verifies it. */
function keyOfLink(link: string | undefined, keys: string[]): string | undefined {
  const token = link?.split('/approvals/')[1] ?? '';
  const seconds = Math.floor(now.getTime() / 1000);
  return keys.find((key) => verifyApprovalToken(token, [key], seconds).ok);
}

describe('the approval-link key', () => {
  it.each([
    ['59 s', 59_000, 'key-1'],
    ['60 s', 60_000, 'key-2'],
  ])('signs new links with the key of SSM %s after a rotation with %s', async (_, elapsedMs, expected) => {
    const { ssm, clock, source } = setup('key-1');
    const links = new SignedApprovalLinks(source, 'https://baton.example.com');
    await links.linkFor(approvalRequest, 'bob@example.com');
    ssm.value = 'key-2,key-1';

    clock.ms += elapsedMs;
    const link = await links.linkFor(approvalRequest, 'bob@example.com');

    expect(keyOfLink(link, ['key-1', 'key-2'])).toBe(expected);
  });

  it('makes no link while the parameter is empty, and links again once it is set', async () => {
    const { ssm, clock, source } = setup('');
    const links = new SignedApprovalLinks(source, 'https://baton.example.com');
    const before = await links.linkFor(approvalRequest, 'bob@example.com');
    ssm.value = 'key-1';

    clock.ms += 60_000;
    const after = await links.linkFor(approvalRequest, 'bob@example.com');

    expect([before, keyOfLink(after, ['key-1'])]).toEqual([undefined, 'key-1']);
  });

  it.each([
    ['the previous key', 'key-1', 'review'],
    ['the current key', 'key-2', 'review'],
    ['a retired key', 'key-0', 'invalid'],
  ])('opens a link signed with %s while the parameter holds key-2,key-1', async (_, signedWith, kind) => {
    const { ssm, secrets } = setup('key-1');
    const link = await new SignedApprovalLinks(signedWith, 'https://baton.example.com').linkFor(
      approvalRequest,
      'bob@example.com',
    );
    ssm.value = 'key-2,key-1';
    const deps = {
      queue: { enqueue: async () => undefined },
      store: { getVersion: async () => null },
      ledger: { claim: async () => true, isUsed: async () => false, release: async () => undefined },
      secrets,
      keyName: param,
      now: () => now,
      artefactRows: artefactRowsOf,
    };

    const outcome = await answerApprovalLink(
      { token: link!.split('/approvals/')[1]!, method: 'GET', form: '' },
      deps,
    );

    expect(outcome.kind).toBe(kind);
  });
});

describe('the Slack bot token for approval DMs', () => {
  it.each([
    ['59 s', 59_000, 'Bearer xoxb-1'],
    ['60 s', 60_000, 'Bearer xoxb-2'],
  ])('posts with the token of SSM %s after a rotation with %s', async (_, elapsedMs, expected) => {
    const { ssm, clock, source } = setup('xoxb-1');
    const slack = receiver();
    const dms = new SlackDirectMessages(
      { token: source, apiUrl: 'https://slack.test/api' },
      { fetch: slack.fetch },
    );
    const message = { request: approvalRequest, person: { name: 'bob', identities: [] }, link: 'https://l' };
    await dms.send('U0BOB', message as never);
    ssm.value = 'xoxb-2';

    clock.ms += elapsedMs;
    await dms.send('U0BOB', message as never);

    expect(slack.requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer xoxb-1', expected]);
  });

  it('refuses to send, without retrying, while the token parameter is empty', async () => {
    const { source } = setup('');
    const slack = receiver();
    const dms = new SlackDirectMessages(
      { token: source, apiUrl: 'https://slack.test/api' },
      { fetch: slack.fetch },
    );

    const send = dms.send('U0BOB', { request: approvalRequest, person: {}, link: 'https://l' } as never);

    await expect(send).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('no bot token'),
    });
    expect(slack.requests).toHaveLength(0);
  });
});

describe('the retrain signing key', () => {
  it.each([
    ['59 s', 59_000, 'hook-1'],
    ['60 s', 60_000, 'hook-2'],
  ])(
    'signs the webhook body with the key of SSM %s after a rotation with %s',
    async (_, elapsedMs, expected) => {
      const { ssm, clock, source } = setup('hook-1');
      const hook = receiver();
      const trigger = createRetrain(
        { kind: 'http', url: 'https://ci.example.com/hooks/retrain' },
        { httpSecret: source, fetch: hook.fetch },
      );
      await source();
      ssm.value = 'hook-2';
      clock.ms += elapsedMs;

      await trigger.trigger(retrainRequest);

      const { headers, body } = hook.requests[0]!;
      const verifies = (secret: string) =>
        verifyRetrainSignature(
          secret,
          headers.get('x-baton-timestamp') ?? undefined,
          body,
          headers.get('x-baton-signature') ?? undefined,
          Math.floor(Date.now() / 1000),
        ).status === 'valid';
      expect(['hook-1', 'hook-2'].filter(verifies)).toEqual([expected]);
    },
  );
});

describe('the Databricks retrain-job token', () => {
  const runNow = (accepted: string) => (authorization: string) =>
    authorization === `Bearer ${accepted}`
      ? { status: 200, body: { run_id: 732817 } }
      : { status: 401, body: { error_code: 'UNAUTHENTICATED', message: 'Invalid token' } };

  it('starts the job with a token rotated more than 60 s ago, unrefused', async () => {
    const { ssm, clock, source } = setup('dapi-1');
    await source();
    ssm.value = 'dapi-2';
    clock.ms += 61_000;
    const jobs = receiver(runNow('dapi-2'));

    const receipt = await createRetrain(
      { kind: 'databricks-job', jobId: 455644833 },
      { databricksHost: 'https://dbc.test', databricksToken: source, fetch: jobs.fetch },
    ).trigger(retrainRequest);

    expect(receipt.id).toBe('732817');
    expect(jobs.requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer dapi-2']);
  });

  it('re-reads a token rotated within the TTL once after a 401, and starts the job with it', async () => {
    const { ssm, source } = setup('dapi-1');
    await source();
    ssm.value = 'dapi-2';
    const jobs = receiver(runNow('dapi-2'));

    const receipt = await createRetrain(
      { kind: 'databricks-job', jobId: 455644833 },
      { databricksHost: 'https://dbc.test', databricksToken: source, fetch: jobs.fetch },
    ).trigger(retrainRequest);

    expect(receipt.id).toBe('732817');
    expect(jobs.requests.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer dapi-1',
      'Bearer dapi-2',
    ]);
  });
});
