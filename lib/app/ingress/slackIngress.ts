/**
 * How the Slack interactivity route judges a request, with no I/O: size, content type, the
 * signature over the raw form body, then the payload. A click on Approve/Reject becomes a
 * decision, a click on a rollout button (Pause, Resume, Abort, Promote now) a control event.
 * Shared by the handler and `baton inspect`.
 *
 * @example
 *   const verdict = judgeSlackRequest({ headers, body }, { secrets, now });
 *   if (verdict.event) await queue.enqueue(verdict.event);
 */
import type { ControlAction, ControlEvent, DecisionEvent } from '../../../events/promotionEvent';
import { normaliseSlackInteraction } from '../../../events/slackInteraction';
import {
  BadRequestError,
  HttpError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../../domain/httpErrors';
import { assertBodySize, header } from '../http/apiGateway';
import { queueable } from './registryIngress';
import { type SignatureVerdict, verifySlackSignature } from './signatures';

/** Slack's interaction payloads are small; anything near this is not from Slack. */
export const maxSlackBodyBytes = 64 * 1024;

export interface SlackVerdict {
  signature: SignatureVerdict['status'];
  event: DecisionEvent | ControlEvent | null;
  ignored: string | null;
  error: HttpError | null;
}

export function judgeSlackRequest(
  request: { headers: Record<string, string | undefined>; body: Buffer },
  options: { secrets: readonly string[]; now: Date },
): SlackVerdict {
  let signature: SignatureVerdict['status'] = 'absent';
  try {
    assertBodySize(request.body, maxSlackBodyBytes);
    const contentType = header(request.headers, 'content-type');
    if (contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/x-www-form-urlencoded') {
      throw new UnsupportedMediaTypeError('application/x-www-form-urlencoded', contentType);
    }
    const verdict = verifySlackSignature({
      secrets: options.secrets,
      body: request.body,
      signature: header(request.headers, 'x-slack-signature'),
      timestamp: header(request.headers, 'x-slack-request-timestamp'),
      nowSeconds: Math.floor(options.now.getTime() / 1000),
    });
    signature = verdict.status;
    if (verdict.status !== 'valid')
      throw new UnauthorizedError(`${verdict.status}_signature`, verdict.reason);
    const normalised = normaliseSlackInteraction(request.body.toString('utf8'), {
      receivedAt: options.now.toISOString(),
    });
    if ('invalid' in normalised) throw new BadRequestError('invalid_payload', normalised.invalid);
    if ('ignored' in normalised) return { signature, event: null, ignored: normalised.ignored, error: null };
    return { signature, event: queueable(normalised.event), ignored: null, error: null };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { signature, event: null, ignored: null, error };
  }
}

const controlAcknowledgements: Record<ControlAction, (subject: string) => string> = {
  pause: (subject) => `Pausing the rollout of ${subject}…`,
  resume: (subject) => `Resuming the rollout of ${subject}…`,
  abort: (subject) => `Aborting the rollout of ${subject}…`,
  promote: (subject) => `Promoting ${subject} now…`,
  rollback: (subject) => `Rolling back ${subject}…`,
  copy: (subject) => `Copying ${subject} to its next environment…`,
};

/**
 * What Slack shows the person who clicked while the worker acts.
 *
 * @example
 *   acknowledgement(event); // 'Pausing the rollout of fraud v7…'
 */
export function acknowledgement(event: DecisionEvent | ControlEvent): string {
  const subject = `${event.model}${event.version ? ` v${event.version}` : ''}`;
  if (event.type === 'decision') return `Recording your ${event.decision} of ${subject}…`;
  return controlAcknowledgements[event.action](subject);
}
