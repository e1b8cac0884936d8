/**
 * The middy-wrapped `handler` exports under hostile input, with their real adapters (SSM secrets,
 * SQS queue, DynamoDB ledger) and the signed AWS client's `call` stubbed in memory: the error
 * mapping is the one Lambda runs, and what reaches SQS is checked as the worker and SQS FIFO will
 * read it.
 */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { promotionEventSchema } from '../../events/promotionEvent';
import { handler as approvalsHandler } from '../../functions/approvals';
import { handler as registryHandler } from '../../functions/registryWebhook';
import { handler as slackHandler } from '../../functions/slackInteractions';
import type { HttpResult } from '../../lib/app/http/apiGateway';
import { signApprovalToken } from '../../lib/app/ingress/approvalToken';
import {
  type HttpRequest,
  httpEvent,
  type JsonRoute,
  keys,
  linkRequest,
  now,
  nowSeconds,
  post,
  signFor,
  validBody,
} from '../support/ingressHarness';
import { eventBody, hostileHeaders, modelName, oddText, runs } from './arbitraries';
import { expectHtmlPage, expectJsonError } from './expectations';

const timeout = 300_000;
const route = fc.constantFrom<JsonRoute>('mlflow', 'databricks', 'slack');
const fifoId = /^[\x21-\x7e]{1,128}$/;

interface SentMessage {
  MessageBody: string;
  MessageGroupId: string;
  MessageDeduplicationId: string;
}

/** What the stubbed AWS saw: messages sent to SQS, token claims in DynamoDB; and whether SQS is down. */
const aws = { sent: [] as SentMessage[], claims: new Set<string>(), sqsDown: false };

/** SSM, SQS and DynamoDB as the functions call them through the official clients' `send`, in memory. */
async function answer(command: { input: Record<string, any> }): Promise<unknown> {
  const { input } = command;
  const operation = command.constructor.name;
  if (operation === 'GetParameterCommand') return { Parameter: { Value: keys[input.Name] } };
  if (operation === 'SendMessageCommand') {
    if (aws.sqsDown) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    aws.sent.push(input as SentMessage);
    return { MessageId: 'm-1' };
  }
  const pk = String((input.Key ?? input.Item).pk);
  if (operation === 'GetCommand') return aws.claims.has(pk) ? { Item: input.Key } : {};
  if (operation === 'DeleteCommand') aws.claims.delete(pk);
  if (operation === 'PutCommand') {
    if (aws.claims.has(pk)) {
      throw new ConditionalCheckFailedException({ message: 'taken', $metadata: { httpStatusCode: 400 } });
    }
    aws.claims.add(pk);
  }
  return {};
}

async function invoke(target: JsonRoute | 'approvals', request: HttpRequest): Promise<HttpResult> {
  const handler =
    target === 'approvals' ? approvalsHandler : target === 'slack' ? slackHandler : registryHandler;
  return handler(httpEvent(request), {} as Context);
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now });
  const env = {
    AWS_REGION: 'us-east-1',
    PROMOTION_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/baton-promotion.fifo',
    MLFLOW_WEBHOOK_SECRETS_PARAM: 'mlflow',
    DATABRICKS_WEBHOOK_SECRETS_PARAM: 'databricks',
    SLACK_SIGNING_SECRET_PARAM: 'slack',
    TABLE_NAME: 'baton',
    APPROVAL_LINK_KEY_PARAM: 'approval',
    // What Lambda sets in every execution environment; the functions sign with them.
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'session',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  // Every SDK client (SQS, SSM, the DynamoDB DocumentClient) inherits this one `send`.
  vi.spyOn(Object.getPrototypeOf(SQSClient.prototype), 'send').mockImplementation(answer as never);
});

afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe('handler fuzz: the middy-wrapped handlers with AWS stubbed', () => {
  it(
    'never answers 5xx, and sends SQS only messages the worker and FIFO accept',
    async () => {
      const request = route.chain((r) =>
        fc.tuple(
          fc.constant(r),
          eventBody(r),
          fc.option(hostileHeaders, { nil: undefined, freq: 1 }),
          fc.boolean(),
        ),
      );
      await fc.assert(
        fc.asyncProperty(request, async ([r, body, hostile, base64]) => {
          aws.sent.length = 0;

          const response = await invoke(r, post(r, body, hostile ?? signFor(r, body), base64));

          const status = Number(response.statusCode);
          expect(status).toBeLessThan(500);
          if (status >= 400) expectJsonError(response);
          // An answer that says it queued: `{queued}` on the webhooks, Slack's ephemeral reply.
          const said = status < 300 ? JSON.parse(response.body!) : {};
          expect(aws.sent).toHaveLength('queued' in said || 'response_type' in said ? 1 : 0);
          for (const message of aws.sent) {
            expect(promotionEventSchema.safeParse(JSON.parse(message.MessageBody)).success).toBe(true);
            expect(message.MessageGroupId).toMatch(fifoId);
            expect(message.MessageDeduplicationId).toMatch(fifoId);
          }
        }),
        runs(500),
      );
    },
    timeout,
  );

  it(
    'answers 503 while SQS is down: JSON on the ingress routes, a page that frees the link on approvals',
    async () => {
      await fc.assert(
        fc.asyncProperty(route, modelName, async (r, model) => {
          const body = validBody(r, model, '5');
          const link = linkRequest(
            'POST',
            signApprovalToken(
              { model, version: '5', approver: 'bob@example.com', exp: nowSeconds + 60 },
              keys.approval!,
            ),
            'decision=reject',
          );
          aws.claims.clear();
          aws.sqsDown = true;

          const ingress = await invoke(r, post(r, body, signFor(r, body)));
          const approval = await invoke('approvals', link);

          aws.sqsDown = false;
          expect(ingress.statusCode).toBe(503);
          expect(JSON.parse(ingress.body!).error).toBe('queue_unavailable');
          expectHtmlPage(approval, [503]);
          expect(approval.body).toContain('Nothing was recorded');
          expectHtmlPage(await invoke('approvals', link), [200]);
        }),
        runs(100),
      );
    },
    timeout,
  );

  it(
    'answers forged tokens on the approvals handler with a 401 page',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom<'GET' | 'POST'>('GET', 'POST'), oddText, async (verb, token) => {
          expectHtmlPage(await invoke('approvals', linkRequest(verb, token, 'decision=approve')), [401]);
        }),
        runs(300),
      );
    },
    timeout,
  );
});
