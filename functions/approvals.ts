/**
 * GET /approvals/{token} shows the version's summary with Approve and Reject; POST decides
 * (lib/app/answerApprovalLink). The token is an HMAC over model, version, approver and expiry;
 * only the spelling Baton signed verifies, and each link works once. Invalid, expired and used
 * links get a clear page; any failure a calm 503 page, never a stack trace.
 */
import middy from '@middy/core';
import { type ApprovalsDeps, answerApprovalLink } from '../lib/app/answerApprovalLink';
import { type HttpEvent, type HttpResult, rawBody } from '../lib/app/http/apiGateway';
import { approvalFailureResponse, approvalResponse } from '../lib/app/http/approvalResponses';
import { logger } from '../lib/log';
import { approvalsDeps } from '../lib/wiring/approvals';
import { coldStart } from '../lib/wiring/coldStart';

export type { ApprovalsDeps };

export async function approvals(event: HttpEvent, deps: ApprovalsDeps): Promise<HttpResult> {
  const request = {
    token: event.pathParameters?.token ?? '',
    method: event.requestContext.http.method,
    form: rawBody(event).toString('utf8'),
  };
  return approvalResponse(await answerApprovalLink(request, deps), deps.artefactRows);
}

const deps = coldStart(approvalsDeps);
export const handler = middy<HttpEvent, HttpResult>()
  .onError(async (request) => {
    logger.error('approval link failed', { error: request.error });
    request.response = approvalFailureResponse();
  })
  .handler(async (event) => approvals(event, await deps()));
