/**
 * Each approver's signed link reaches that approver alone: an e-mail through SES (to their
 * address only) or a Slack direct message (to their user id), once per approver however often the
 * request is redelivered, and never on the broadcast approval request.
 */
import type { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import {
  type LinkChannel,
  NoEmailChannel,
  PersonalApprovalDelivery,
} from '../../lib/adapters/notify/approvalLinkDelivery';
import type { Claim, DeliveryLedger } from '../../lib/adapters/notify/idempotency';
import { SesApprovalMail } from '../../lib/adapters/notify/sesApprovalMail';
import { SlackDirectMessages } from '../../lib/adapters/notify/slackDirectMessages';
import { type ApprovalRequest, SignedApprovalLinks } from '../../lib/app/approvalLinks';
import { verifyApprovalToken } from '../../lib/app/ingress/approvalToken';
import { processEvent } from '../../lib/app/processEvent';
import { buildPeopleDirectory, type PeopleDirectory } from '../../lib/domain/people';
import { aCreatedEvent, aPolicy, aRun, aVersion } from '../support/builders';
import { MemoryNotifier, MemoryRegistry, MemoryStore, withNullDeps } from '../support/fakes';

const key = 'unit-approval-link-key';
const now = new Date('2026-11-22T12:00:00Z');
const request: ApprovalRequest = {
  kind: 'approval.requested',
  model: 'fraud',
  version: '7',
  idempotencyKey: 'approval:fraud:7',
  checks: [{ id: 'metric.val_auc', passed: true, reason: 'val_auc 0.91 ≥ 0.8' }],
  metrics: { val_auc: 0.91 },
  champion: null,
  approvers: ['bob@example.com', 'U0CAROL'],
  minApprovals: 1,
  expiresAt: '2026-11-25T12:00:00.000Z',
};

class MemoryDeliveryLedger implements DeliveryLedger {
  readonly sent = new Set<string>();
  async claim(key: string): Promise<Claim | 'sent'> {
    return this.sent.has(key) ? 'sent' : { key, owner: 'unit' };
  }
  async markSent(claim: Claim) {
    this.sent.add(claim.key);
  }
  async release() {}
}

class RecordingSes {
  readonly sent: SendEmailCommand['input'][] = [];
  failWith: Error | undefined;
  async send(command: SendEmailCommand) {
    if (this.failWith) throw this.failWith;
    this.sent.push(command.input);
    return { MessageId: `m-${this.sent.length}` };
  }
}

class RecordingSlack {
  readonly posts: Array<{ url: string; authorization: string; body: Record<string, unknown> }> = [];
  answer: Record<string, unknown> = { ok: true };
  fetch: typeof globalThis.fetch = async (url, init) => {
    const headers = init?.headers as Record<string, string>;
    this.posts.push({
      url: String(url),
      authorization: headers.authorization!,
      body: JSON.parse(String(init?.body)),
    });
    return new Response(JSON.stringify(this.answer), { status: 200 });
  };
}

function setup(options: { people?: PeopleDirectory; mail?: 'ses' | 'none' } = {}) {
  const ses = new RecordingSes();
  const slack = new RecordingSlack();
  const ledger = new MemoryDeliveryLedger();
  const logs: string[] = [];
  const log = (message: string) => {
    logs.push(message);
  };
  const mail: LinkChannel =
    options.mail === 'none'
      ? new NoEmailChannel(log)
      : new SesApprovalMail(ses as never, {
          from: 'baton@acme.io',
          configurationSetName: 'baton-approvals',
          subjectPrefix: '[prod] ',
        });
  const dms = new SlackDirectMessages(
    { token: 'xoxb-unit', apiUrl: 'https://slack.test/api' },
    { fetch: slack.fetch },
  );
  const delivery = new PersonalApprovalDelivery({
    links: new SignedApprovalLinks(key, 'https://baton.example.com/'),
    channels: [mail, dms],
    ledger,
    people: options.people,
    log,
  });
  return { ses, slack, ledger, logs, delivery };
}

/** The approver a link in `text` decides as, when its token verifies. */
function approverOfLinkIn(text: string): string | undefined {
  const token = /https:\/\/baton\.example\.com\/approvals\/([\w.-]+)/.exec(text)?.[1];
  const verdict = verifyApprovalToken(token ?? '', [key], Math.floor(now.getTime() / 1000));
  return verdict.ok ? verdict.claims.approver : undefined;
}

describe('approval links, each to its own approver', () => {
  it('e-mails a person with an address through SES, to that address alone', async () => {
    const { ses, delivery } = setup();

    await delivery.deliver(request);

    expect(ses.sent).toHaveLength(1);
    const [mail] = ses.sent;
    expect(mail).toMatchObject({
      FromEmailAddress: 'baton@acme.io',
      Destination: { ToAddresses: ['bob@example.com'] },
      ConfigurationSetName: 'baton-approvals',
    });
    expect(mail?.Content?.Simple?.Subject?.Data).toBe('[prod] Approval requested: fraud v7');
    expect(approverOfLinkIn(mail?.Content?.Simple?.Body?.Text?.Data ?? '')).toBe('bob@example.com');
    expect(approverOfLinkIn(mail?.Content?.Simple?.Body?.Html?.Data ?? '')).toBe('bob@example.com');
  });

  it('sends a person with only a Slack id a direct message with their link, with the bot token', async () => {
    const { slack, delivery } = setup();

    await delivery.deliver(request);

    expect(slack.posts).toHaveLength(1);
    const [post] = slack.posts;
    expect(post).toMatchObject({
      url: 'https://slack.test/api/chat.postMessage',
      authorization: 'Bearer xoxb-unit',
      body: { channel: 'U0CAROL', unfurl_links: false },
    });
    expect(approverOfLinkIn(String(post?.body.text))).toBe('U0CAROL');
  });

  it('e-mails a person who has both an address and a Slack id, and sends no direct message', async () => {
    const { directory } = buildPeopleDirectory({
      alice: { email: 'alice@acme.io', slack: 'U0ALICE', registry: [] },
    });
    const { ses, slack, delivery } = setup({ people: directory });

    await delivery.deliver({ ...request, approvers: ['alice'] });

    expect(ses.sent.map((m) => m.Destination?.ToAddresses)).toEqual([['alice@acme.io']]);
    expect(slack.posts).toEqual([]);
  });

  it('sends one link to a person the policy names twice, deciding as the first entry', async () => {
    const { directory } = buildPeopleDirectory({
      alice: { email: 'alice@acme.io', slack: 'U0ALICE', registry: [] },
    });
    const { ses, delivery } = setup({ people: directory });

    await delivery.deliver({ ...request, approvers: ['alice', 'U0ALICE', 'alice@acme.io'] });

    expect(ses.sent).toHaveLength(1);
    expect(approverOfLinkIn(ses.sent[0]?.Content?.Simple?.Body?.Text?.Data ?? '')).toBe('alice');
  });

  it('sends one e-mail to an address the policy lists twice in different case', async () => {
    const { ses, delivery } = setup();

    await delivery.deliver({ ...request, approvers: ['bob@example.com', 'Bob@Example.com'] });

    expect(ses.sent.map((m) => m.Destination?.ToAddresses)).toEqual([['bob@example.com']]);
  });

  it('sends nothing twice when the request is delivered again', async () => {
    const { ses, slack, ledger, delivery } = setup();

    await delivery.deliver(request);
    await delivery.deliver(request);

    expect(ses.sent).toHaveLength(1);
    expect(slack.posts).toHaveLength(1);
    expect([...ledger.sent]).toEqual([
      'approval-link:fraud:7:bob@example.com',
      'approval-link:fraud:7:U0CAROL',
    ]);
  });

  it('e-mails no one without a sender, says so once, and still sends Slack direct messages', async () => {
    const { ses, slack, logs, delivery } = setup({ mail: 'none' });

    await delivery.deliver(request);
    await delivery.deliver({ ...request, version: '8' });

    expect(ses.sent).toEqual([]);
    expect(slack.posts.map((p) => p.body.channel)).toEqual(['U0CAROL', 'U0CAROL']);
    expect(logs.filter((l) => l.includes('APPROVAL_EMAIL_FROM is not set'))).toHaveLength(1);
  });

  it('fails for a retry when SES is throttled, after sending the other approvers their links', async () => {
    const { ses, slack, ledger, delivery } = setup();
    ses.failWith = Object.assign(new Error('Rate exceeded'), {
      name: 'TooManyRequestsException',
      $retryable: { throttling: true },
      $metadata: {},
    });

    await expect(delivery.deliver(request)).rejects.toThrow('SES is unavailable: TooManyRequestsException');
    expect(slack.posts).toHaveLength(1);
    expect([...ledger.sent]).toEqual(['approval-link:fraud:7:U0CAROL']);
  });

  it('logs a refusal it cannot retry (an unverified sender) and does not fail the request', async () => {
    const { ses, logs, ledger, delivery } = setup();
    ses.failWith = Object.assign(new Error('Email address is not verified.'), {
      name: 'MessageRejected',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });

    await delivery.deliver(request);

    expect(logs).toContain('approval link not sent');
    expect([...ledger.sent]).toEqual(['approval-link:fraud:7:U0CAROL']);
  });
});

describe('the worker and the approval request', () => {
  it('publishes the request without links and hands it to the approval delivery', async () => {
    const registry = new MemoryRegistry();
    registry.add(aVersion(), aRun({ val_auc: 0.91, val_logloss: 0.412 }));
    const notifier = new MemoryNotifier();
    const delivered: ApprovalRequest[] = [];
    const policy = aPolicy({
      approval: { required: true, approvers: ['bob@example.com', 'U0CAROL'], expiresAfter: '72h' },
    });

    await processEvent(
      aCreatedEvent(),
      withNullDeps({
        registry,
        store: new MemoryStore(),
        notifier,
        approvalDelivery: { deliver: async (r) => void delivered.push(r) },
        policyFor: () => policy,
        now: () => now,
      }),
    );

    const broadcast = notifier.published.find((n) => n.kind === 'approval.requested');
    expect(broadcast).toMatchObject({ approvers: ['bob@example.com', 'U0CAROL'] });
    expect(JSON.stringify(broadcast)).not.toMatch(/approvals\/|links/);
    expect(delivered).toEqual([broadcast]);
  });
});
