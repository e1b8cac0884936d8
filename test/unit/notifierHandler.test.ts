import type { SNSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Notification } from '../../events/notification';
import { type NotifierDeps, notify } from '../../functions/notifier';
import {
  DeliveryInProgressError,
  SlackRateLimitedError,
  SlackRejectedError,
  SlackUnavailableError,
} from '../../lib/adapters/notify/errors';
import type { Claim, DeliveryLedger } from '../../lib/adapters/notify/idempotency';
import { logger } from '../../lib/log';
import { slackNotifier } from '../../lib/wiring/slackNotifier';

/** The table's claims, in memory, with the same rules as DynamoDeliveryLedger. */
class MemoryLedger implements DeliveryLedger {
  records = new Map<string, { status: 'claimed' | 'sent'; owner: string }>();
  private next = 0;
  async claim(key: string): Promise<Claim | 'sent'> {
    const existing = this.records.get(key);
    if (existing?.status === 'sent') return 'sent';
    if (existing) throw new DeliveryInProgressError(key);
    const claim = { key, owner: `owner-${++this.next}` };
    this.records.set(key, { status: 'claimed', owner: claim.owner });
    return claim;
  }
  async markSent(claim: Claim) {
    this.records.set(claim.key, { status: 'sent', owner: claim.owner });
  }
  async release(claim: Claim) {
    if (this.records.get(claim.key)?.owner === claim.owner) this.records.delete(claim.key);
  }
}

interface Posted {
  url: string;
  headers: Record<string, string>;
  body: any;
}

/** A Slack stand-in: records each request and answers with the next scripted response. */
function fakeSlack(answers: Array<() => Response> = []) {
  const posted: Posted[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    posted.push({
      url,
      headers: init.headers as Record<string, string>,
      body: JSON.parse(String(init.body)),
    });
    return (answers.shift() ?? (() => Response.json({ ok: true, ts: '1.2' })))();
  }) as typeof globalThis.fetch;
  return { posted, fetch };
}

const secretsWith = (values: Record<string, string>) => ({
  values: async (name: string) => (values[name] ? [values[name]] : []),
});

function setup(options: { secrets?: Record<string, string>; answers?: Array<() => Response> } = {}) {
  const slack = fakeSlack(options.answers);
  const ledger = new MemoryLedger();
  const deps: NotifierDeps = {
    ledger,
    notifier: slackNotifier(
      secretsWith(options.secrets ?? { '/baton/test/slack-bot-token': 'xoxb-test-token' }),
      {
        botTokenParam: '/baton/test/slack-bot-token',
        webhookUrlParam: '/baton/test/slack-webhook-url',
        channel: '#ml-releases',
        apiUrl: 'http://slack.test/api/',
      },
      { fetch: slack.fetch },
    ),
  };
  return { posted: slack.posted, ledger, deliver: (message: string) => notify(snsEvent(message), deps) };
}

function snsEvent(message: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:baton-notifications:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'm-1',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:baton-notifications',
          Subject: 'Baton: fraud v7 awaits approval',
          Message: message,
          Timestamp: '2026-11-22T12:00:00.000Z',
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

const approvalRequested: Notification = {
  kind: 'approval.requested',
  model: 'fraud',
  version: '7',
  idempotencyKey: 'approval:fraud:7',
  checks: [{ id: 'metric.val_auc', passed: true, reason: 'val_auc 0.91 ≥ 0.8' }],
  metrics: { val_auc: 0.91 },
  champion: null,
  approvers: ['U024BE7LH'],
  minApprovals: 1,
  expiresAt: '2026-11-25T12:00:00.000Z',
};
const message = JSON.stringify(approvalRequested);
const slackError = (error: string) => () => Response.json({ ok: false, error });

describe('the notifier', () => {
  it('posts an approval request to chat.postMessage with the bot token, the channel and the buttons', async () => {
    const { posted, deliver } = setup();

    await deliver(message);

    expect(posted).toHaveLength(1);
    expect(posted[0]!.url).toBe('http://slack.test/api/chat.postMessage');
    expect(posted[0]!.headers.authorization).toBe('Bearer xoxb-test-token');
    expect(posted[0]!.body.channel).toBe('#ml-releases');
    expect(posted[0]!.body.text).toContain('fraud v7 awaits approval');
    const actions = posted[0]!.body.blocks.find((b: { type: string }) => b.type === 'actions');
    expect(actions.elements.map((b: { action_id: string }) => b.action_id)).toEqual([
      'baton.approve',
      'baton.reject',
    ]);
  });

  it('posts a started rollout with its weights and the Pause, Abort and Promote now buttons', async () => {
    const { posted, deliver } = setup();
    const started: Notification = {
      kind: 'rollout.started',
      model: 'fraud',
      version: '7',
      idempotencyKey: 'rollout.started:fraud:7',
      endpoint: 'fraud-prod',
      champion: '6',
      steps: [10, 50, 100],
      weights: { '6': 90, '7': 10 },
      approvedBy: ['U024BE7LH'],
    };

    await deliver(JSON.stringify(started));

    expect(posted).toHaveLength(1);
    expect(posted[0]!.body.text).toBe('fraud v7 rollout started on fraud-prod: v7 10 % · v6 90 %');
    const actions = posted[0]!.body.blocks.find((b: { type: string }) => b.type === 'actions');
    expect(actions.elements.map((b: { action_id: string }) => b.action_id)).toEqual([
      'rollout_pause',
      'rollout_abort',
      'rollout_promote',
    ]);
  });

  it('posts a redelivered message only once', async () => {
    const { posted, deliver } = setup();

    await deliver(message);
    await deliver(message);

    expect(posted).toHaveLength(1);
  });

  it('throws a retryable error when Slack rate-limits, and posts on the retry', async () => {
    const { posted, ledger, deliver } = setup({
      answers: [() => new Response('', { status: 429, headers: { 'retry-after': '3' } })],
    });

    const first = deliver(message);
    await expect(first).rejects.toThrow(SlackRateLimitedError);
    await expect(first).rejects.toMatchObject({ retryable: true, retryAfterMs: 3000 });
    expect(ledger.records.size).toBe(0);
    await deliver(message);
    await deliver(message);

    expect(posted).toHaveLength(2);
    expect(ledger.records.get('approval:fraud:7')?.status).toBe('sent');
  });

  it('treats a 200 answer with ok:false as a failure that a retry may deliver', async () => {
    const { posted, deliver } = setup({ answers: [slackError('channel_not_found')] });

    await expect(deliver(message)).rejects.toThrow(new SlackRejectedError('channel_not_found', 200));
    await deliver(message);

    expect(posted).toHaveLength(2);
  });

  it('throws while another invocation holds the claim, so the message is retried later', async () => {
    const { posted, ledger, deliver } = setup();
    await ledger.claim('approval:fraud:7');

    await expect(deliver(message)).rejects.toThrow(DeliveryInProgressError);
    expect(posted).toHaveLength(0);
  });

  it.each([
    ['not JSON', 'hello'],
    ['an unknown kind', JSON.stringify({ ...approvalRequested, kind: 'approval.granted' })],
    [
      'a message without an idempotency key',
      JSON.stringify({ ...approvalRequested, idempotencyKey: undefined }),
    ],
  ])('drops %s without posting or throwing', async (_, body) => {
    const { posted, ledger, deliver } = setup();

    await deliver(body);

    expect(posted).toHaveLength(0);
    expect(ledger.records.size).toBe(0);
  });

  it('only logs when neither a bot token nor a webhook URL is configured', async () => {
    const { posted, deliver } = setup({ secrets: {} });

    await deliver(message);

    expect(posted).toHaveLength(0);
  });

  it('posts {text, blocks} to the incoming webhook when there is no bot token', async () => {
    const url = 'https://hooks.slack.test/services/T000/B000/SECRETPATH';
    const { posted, deliver } = setup({ secrets: { '/baton/test/slack-webhook-url': url } });

    await deliver(message);

    expect(posted.map((p) => [p.url, Object.keys(p.body).sort()])).toEqual([[url, ['blocks', 'text']]]);
  });

  it('never puts the webhook URL in its errors', async () => {
    const url = 'https://hooks.slack.test/services/T000/B000/SECRETPATH';
    const { deliver } = setup({
      secrets: { '/baton/test/slack-webhook-url': url },
      answers: [
        () => {
          throw new TypeError('fetch failed');
        },
      ],
    });

    const error = await deliver(message).catch((e: Error) => e);

    expect(error).toBeInstanceOf(SlackUnavailableError);
    expect(
      JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack }),
    ).not.toContain('SECRETPATH');
  });
});

describe('an alarm on the notifications topic', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is logged with its name and state for the e-mail and pager subscribers, and posts nothing', async () => {
    // Prepare: a dead-letter queue's alarm, as CloudWatch publishes it on the topic.
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const { posted, deliver } = setup();
    const alarm = JSON.stringify({
      AlarmName: 'baton-prod-promotion-dlq-not-empty',
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      NewStateReason: 'Threshold Crossed: 1 datapoint [2.0] was >= the threshold (1.0).',
      StateChangeTime: '2026-11-22T12:00:00.000+0000',
    });

    // Act
    await deliver(alarm);

    // Assess
    expect(posted).toHaveLength(0);
    expect(warn).toHaveBeenCalledWith(
      'alarm on the notifications topic: for its e-mail and pager subscribers',
      {
        messageId: 'm-1',
        alarm: 'baton-prod-promotion-dlq-not-empty',
        state: 'ALARM',
      },
    );
  });
});
