/**
 * POST /slack/interactions: Slack's Approve and Reject buttons, and the rollout buttons (Pause,
 * Resume, Abort, Promote now). Verifies X-Slack-Signature over the raw form body before parsing
 * it, queues the decision or control event, and answers within Slack's three seconds; the worker
 * acts and updates the original message through its response_url.
 */
import middy from '@middy/core';
import * as z from 'zod/mini';
import { sqsClient, ssmClient } from '../lib/adapters/aws/awsClients';
import { SqsEventQueue } from '../lib/adapters/queue/sqsEventQueue';
import { type SecretStore, SsmSecretStore } from '../lib/adapters/secrets/secretStore';
import { type HttpEvent, type HttpResult, jsonResponse, rawBody } from '../lib/app/http/apiGateway';
import { httpErrorResponses } from '../lib/app/http/httpErrorResponses';
import { acknowledgement, judgeSlackRequest } from '../lib/app/ingress/slackIngress';
import type { EventQueue } from '../lib/domain/queuePorts';
import { logger } from '../lib/log';
import { readConfig } from '../lib/wiring/config';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  SLACK_SIGNING_SECRET_PARAM: z.string().check(z.minLength(1)),
});

export interface SlackInteractionsDeps {
  queue: EventQueue;
  secrets: SecretStore;
  signingSecretName: string;
  now: () => Date;
}

export async function slackInteractions(event: HttpEvent, deps: SlackInteractionsDeps): Promise<HttpResult> {
  const secrets = await deps.secrets.values(deps.signingSecretName);
  const verdict = judgeSlackRequest(
    { headers: event.headers, body: rawBody(event) },
    { secrets, now: deps.now() },
  );
  if (verdict.error) throw verdict.error;
  if (!verdict.event) return jsonResponse(200, { ignored: verdict.ignored });
  const queued = verdict.event;
  await deps.queue.enqueue(queued);
  const { type, model, version, actor } = queued;
  const what = queued.type === 'decision' ? { decision: queued.decision } : { action: queued.action };
  logger.info(`queued Slack ${type}`, { model, version, ...what, actor });
  // Slack shows this to the person who clicked while the worker acts.
  return jsonResponse(200, { response_type: 'ephemeral', text: acknowledgement(queued) });
}

function defaultDeps(): SlackInteractionsDeps {
  const config = readConfig(configSchema);
  return {
    queue: new SqsEventQueue(sqsClient(), config.PROMOTION_QUEUE_URL),
    secrets: new SsmSecretStore(ssmClient()),
    signingSecretName: config.SLACK_SIGNING_SECRET_PARAM,
    now: () => new Date(),
  };
}

let deps: SlackInteractionsDeps | undefined;
export const handler = middy<HttpEvent, HttpResult>()
  .use(httpErrorResponses())
  .handler((event) => {
    deps ??= defaultDeps();
    return slackInteractions(event, deps);
  });
