/**
 * GET /ui/… : the dashboard (models, a model's champion timeline and history, a rollout, the
 * approvals waiting), server-rendered from Baton's table; POST: an approver's decision or rollout
 * control, queued like Slack's (lib/app/ui/answerDashboard). In AWS the HTTP API's JWT authorizer
 * signs people in (its `email` claim); locally a link `npm start` prints does. Any failure is a
 * generic 500 JSON, logged with its cause, never a stack trace.
 */
import middy from '@middy/core';
import { type HttpEvent, type HttpResult, header, jsonResponse, rawBody } from '../lib/app/http/apiGateway';
import { answerDashboard } from '../lib/app/ui/answerDashboard';
import type { UiDeps } from '../lib/app/ui/uiDeps';
import { logger } from '../lib/log';
import { coldStart } from '../lib/wiring/coldStart';
import { uiDeps } from '../lib/wiring/ui';

type AuthorizedEvent = HttpEvent & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

export async function ui(event: AuthorizedEvent, deps: UiDeps): Promise<HttpResult> {
  const request = {
    method: event.requestContext.http.method,
    path: event.rawPath,
    model: event.pathParameters?.model,
    query: event.queryStringParameters ?? {},
    form: rawBody(event).toString('utf8'),
    claims: event.requestContext.authorizer?.jwt?.claims,
    cookie: event.cookies?.join('; ') ?? header(event.headers, 'cookie'),
    origin: header(event.headers, 'origin'),
    host: header(event.headers, 'host'),
    fetchSite: header(event.headers, 'sec-fetch-site'),
  };
  return answerDashboard(request, deps);
}

const deps = coldStart(uiDeps);
export const handler = middy<AuthorizedEvent, HttpResult>()
  .onError(async (request) => {
    logger.error('dashboard request failed', { error: request.error });
    request.response = jsonResponse(500, {
      error: 'internal',
      detail: 'the dashboard could not answer; try again',
    });
  })
  .handler(async (event) => ui(event, await deps()));
