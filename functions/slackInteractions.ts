/**
 * POST /slack/interactions: Slack's Approve and Reject buttons, and the rollout buttons (Pause,
 * Resume, Abort, Promote now). Verifies X-Slack-Signature over the raw form body before parsing
 * it, queues the decision or control event (lib/app/acceptSlackInteraction), and answers within
 * Slack's three seconds; the worker acts and updates the original message through its response_url.
 */
import middy from '@middy/core';
import { acceptSlackInteraction, type SlackInteractionsDeps } from '../lib/app/acceptSlackInteraction';
import { type HttpEvent, type HttpResult, jsonResponse, rawBody } from '../lib/app/http/apiGateway';
import { httpErrorResponses } from '../lib/app/http/httpErrorResponses';
import { coldStart } from '../lib/wiring/coldStart';
import { slackInteractionsDeps } from '../lib/wiring/slackInteractions';

export type { SlackInteractionsDeps };

export async function slackInteractions(event: HttpEvent, deps: SlackInteractionsDeps): Promise<HttpResult> {
  const result = await acceptSlackInteraction({ headers: event.headers, body: rawBody(event) }, deps);
  if ('ignored' in result) return jsonResponse(200, result);
  // Slack shows this to the person who clicked while the worker acts.
  return jsonResponse(200, { response_type: 'ephemeral', text: result.acknowledgement });
}

const deps = coldStart(slackInteractionsDeps);
export const handler = middy<HttpEvent, HttpResult>()
  .use(httpErrorResponses())
  .handler(async (event) => slackInteractions(event, await deps()));
