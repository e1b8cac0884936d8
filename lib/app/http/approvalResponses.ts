/**
 * The page each approval-link outcome shows, with its status: 410 expired, 401 not valid, 409
 * used, 400 no decision, 200 review and confirmation. Any failure (a queue or table that is down)
 * gets one calm 503 page that says nothing was recorded, never a stack trace.
 *
 * @example
 *   return approvalResponse(await answerApprovalLink(request, deps), deps.artefactRows); // { statusCode: 200, body: '<!doctype html>…' }
 */
import type { ArtefactRowsOf } from '../../domain/servingPorts';
import type { ApprovalLinkOutcome } from '../answerApprovalLink';
import type { HttpResult } from './apiGateway';
import { confirmationPage, htmlResponse, problemPage, reviewPage, usedLinkPage } from './approvalPages';

export function approvalResponse(outcome: ApprovalLinkOutcome, artefactRows: ArtefactRowsOf): HttpResult {
  switch (outcome.kind) {
    case 'expired':
      return htmlResponse(
        410,
        problemPage('This approval link has expired', `The link expired; ${outcome.reason}.`),
      );
    case 'invalid':
      return htmlResponse(
        401,
        problemPage('This approval link is not valid', `Baton cannot trust it: ${outcome.reason}.`),
      );
    case 'used':
      return htmlResponse(409, usedLinkPage(outcome.answer));
    case 'review':
      return htmlResponse(200, reviewPage(outcome.summary, artefactRows));
    case 'noDecision':
      return htmlResponse(400, problemPage('No decision', 'Choose Approve or Reject on the review page.'));
    case 'alreadyUsed':
      return htmlResponse(409, problemPage('This approval link was already used', 'Each link works once.'));
    case 'recorded':
      return htmlResponse(200, confirmationPage(outcome.model, outcome.version, outcome.decision));
  }
}

/** Whatever went wrong, nothing was recorded: the approver may try again. */
export function approvalFailureResponse(): HttpResult {
  return htmlResponse(
    503,
    problemPage('Baton could not record that', 'Nothing was recorded; please try again in a moment.'),
  );
}
