import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import type { PromotionEvent } from '../../events/promotionEvent';
import { slackInteractions } from '../../functions/slackInteractions';
import { renderSlackMessage } from '../../lib/adapters/notify/slackBlocks';
import { SqsEventQueue } from '../../lib/adapters/queue/sqsEventQueue';
import { errorResponse } from '../../lib/app/http/httpErrorResponses';
import { verifySlackSignature } from '../../lib/app/ingress/signatures';
import { slackHeaders } from '../support/signing';

// Slack's published request-signing example (api.slack.com/authentication/verifying-requests-from-slack).
const slackExample = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
    '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
    '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const verify = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) =>
  verifySlackSignature({
    secrets: [slackExample.secret],
    body: Buffer.from(slackExample.body),
    signature: slackExample.signature,
    timestamp: slackExample.timestamp,
    nowSeconds: Number(slackExample.timestamp) + 30,
    ...overrides,
  });

describe('Slack request signatures', () => {
  it('accepts Slack’s published example', () => {
    expect(verify()).toEqual({ status: 'valid' });
  });

  it.each([
    ['a tampered body', { body: Buffer.from(slackExample.body.replace('roadrunner', 'coyote')) }],
    ['a wrong secret', { secrets: ['not-the-signing-secret'] }],
    ['a timestamp 6 minutes old', { nowSeconds: Number(slackExample.timestamp) + 360 }],
  ])('rejects %s', (_, overrides) => {
    expect(verify(overrides).status).toBe('invalid');
  });
});

const secret = 'slack-signing-secret';
const now = new Date('2026-11-22T12:00:00Z');

function click(actionId: string, value: unknown, user = 'U024BE7LH') {
  return clickRaw(actionId, JSON.stringify(value), user);
}

function clickRaw(actionId: string, value: string, user = 'U024BE7LH') {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'bob' },
    trigger_id: '1234.5678.abcd',
    response_url: 'https://hooks.slack.com/actions/T1/123/abc',
    actions: [
      {
        action_id: actionId,
        block_id: 'b',
        value,
        type: 'button',
        action_ts: '1795366000.1',
      },
    ],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

const signed = (body: string, at = now, key = secret) => slackHeaders(key, body, at);

/** The promotion queue as SQS sees it: each message's body, group and deduplication id. */
function fakeSqs() {
  const sent: Array<{ event: PromotionEvent; group: string; dedup: string }> = [];
  const sqs = {
    send: async ({ input }: { input: Record<string, string> }) => {
      sent.push({
        event: JSON.parse(input.MessageBody!),
        group: input.MessageGroupId!,
        dedup: input.MessageDeduplicationId!,
      });
      return { MessageId: 'm-1' } as never;
    },
  };
  return { sent, queue: new SqsEventQueue(sqs as never, 'https://sqs.test/promotions.fifo') };
}

async function post(body: string, headers: Record<string, string>) {
  const { sent, queue } = fakeSqs();
  const deps = {
    queue,
    secrets: { values: async () => [secret] },
    signingSecretName: 'param',
    now: () => now,
  };
  const event = {
    rawPath: '/slack/interactions',
    headers,
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const response = await slackInteractions(event, deps).catch(errorResponse);
  return { response, queued: sent.map((message) => message.event), sent };
}

describe('POST /slack/interactions', () => {
  it('queues a signed Approve click as a decision and acknowledges at once', async () => {
    const body = click('baton.approve', { model: 'fraud', version: '7', decision: 'approve' });

    const { response, queued } = await post(body, signed(body));

    expect(response.statusCode).toBe(200);
    expect(queued).toEqual([
      expect.objectContaining({
        type: 'decision',
        model: 'fraud',
        version: '7',
        decision: 'approve',
        actor: 'U024BE7LH',
        via: 'slack',
        responseUrl: 'https://hooks.slack.com/actions/T1/123/abc',
        deliveryId: 'slack:1234.5678.abcd',
      }),
    ]);
  });

  it.each([
    ['a tampered body', (b: string) => ({ body: b.replace('fraud', 'other'), headers: signed(b) }), 401],
    ['a wrong secret', (b: string) => ({ body: b, headers: signed(b, now, 'wrong') }), 401],
    [
      'a timestamp 6 minutes old',
      (b: string) => ({ body: b, headers: signed(b, new Date(now.getTime() - 360_000)) }),
      401,
    ],
    [
      'a JSON body',
      (b: string) => ({ body: b, headers: { ...signed(b), 'content-type': 'application/json' } }),
      415,
    ],
  ])('refuses %s and queues nothing', async (_, make, status) => {
    const { body, headers } = make(
      click('baton.approve', { model: 'fraud', version: '7', decision: 'approve' }),
    );

    const { response, queued } = await post(body, headers);

    expect(response.statusCode).toBe(status);
    expect(queued).toEqual([]);
  });

  it('refuses a button whose value contradicts its action', async () => {
    const body = click('baton.approve', { model: 'fraud', version: '7', decision: 'reject' });

    const { response, queued } = await post(body, signed(body));

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).detail).toMatch(/decision does not match baton.approve/);
    expect(queued).toEqual([]);
  });
});

describe('POST /slack/interactions: the rollout buttons', () => {
  const rollout = {
    model: 'fraud',
    version: '7',
    idempotencyKey: 'rollout:fraud:7',
    endpoint: 'fraud-prod',
    weights: { '6': 90, '7': 10 },
  };
  const messages = {
    'rollout.started': {
      kind: 'rollout.started',
      ...rollout,
      champion: '6',
      steps: [10, 100],
      approvedBy: ['U024BE7LH'],
    },
    'rollout.paused': {
      kind: 'rollout.paused',
      ...rollout,
      reason: 'no data from fraud-p99-latency',
      by: 'baton',
    },
  } satisfies Record<string, Notification>;

  /** The button a reader sees on the message, clicked as Slack would post it. */
  function clickOn(n: Notification, label: string) {
    const actions = renderSlackMessage(n).blocks.find((b) => b.type === 'actions');
    const button =
      actions?.type === 'actions' ? actions.elements.find((b) => b.text.text === label) : undefined;
    if (!button) throw new Error(`no ${label} button on ${n.kind}`);
    return clickRaw(button.action_id, button.value);
  }

  it.each([
    ['rollout.started', 'Pause', 'pause', 'Pausing the rollout of fraud v7…'],
    ['rollout.paused', 'Resume', 'resume', 'Resuming the rollout of fraud v7…'],
    ['rollout.started', 'Abort', 'abort', 'Aborting the rollout of fraud v7…'],
    ['rollout.paused', 'Abort', 'abort', 'Aborting the rollout of fraud v7…'],
    ['rollout.started', 'Promote now', 'promote', 'Promoting fraud v7 now…'],
    ['rollout.paused', 'Promote now', 'promote', 'Promoting fraud v7 now…'],
  ] as const)(
    'queues %s → %s as a %s control event in the model’s group',
    async (kind, label, action, ack) => {
      const body = clickOn(messages[kind], label);

      const { response, sent } = await post(body, signed(body));

      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body!)).toEqual({ response_type: 'ephemeral', text: ack });
      expect(sent).toEqual([
        {
          event: {
            type: 'control',
            model: 'fraud',
            version: '7',
            action,
            actor: 'U024BE7LH',
            via: 'slack',
            responseUrl: 'https://hooks.slack.com/actions/T1/123/abc',
            deliveryId: 'slack:1234.5678.abcd',
            receivedAt: now.toISOString(),
          },
          group: 'fraud',
          dedup: 'control:slack:1234.5678.abcd',
        },
      ]);
    },
  );

  it('gives a retried Slack delivery of one click the same deduplication id', async () => {
    const body = clickOn(messages['rollout.started'], 'Abort');

    const first = await post(body, signed(body));
    const retry = await post(body, signed(body, new Date(now.getTime() + 5_000)));

    expect(retry.sent[0]!.dedup).toBe(first.sent[0]!.dedup);
  });

  it('refuses a forged click on Abort and queues nothing', async () => {
    const body = clickOn(messages['rollout.started'], 'Abort');

    const { response, queued } = await post(body, signed(body, now, 'forged-secret'));

    expect(response.statusCode).toBe(401);
    expect(queued).toEqual([]);
  });

  it('refuses a rollout button whose value does not name a version', async () => {
    const body = click('rollout_pause', { model: 'fraud', version: 'latest' });

    const { response, queued } = await post(body, signed(body));

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).detail).toMatch(/payload\.actions\.0\.value\.version/);
    expect(queued).toEqual([]);
  });

  it('still ignores a button that is not one of Baton’s', async () => {
    const body = click('rollout_rewind', { model: 'fraud', version: '7' });

    const { response, queued } = await post(body, signed(body));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({
      ignored: "action rollout_rewind is not one of Baton's buttons",
    });
    expect(queued).toEqual([]);
  });
});
