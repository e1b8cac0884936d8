/**
 * Every decision a person makes gets an answer. A decision (approve, reject) or a control (pause,
 * resume, abort, promote, rollback) is either applied or refused, and both outcomes are written to
 * the audit trail with the event's delivery id, the outcome and the sentence the person is told.
 * That entry is how `baton approve|reject|rollout|rollback` finds its answer (it polls the model's
 * audit for its own `cli:<uuid>` delivery id), how `baton history` shows a refusal, and how the link
 * page can tell an approver what became of a click. Pure: no I/O, `now` is passed in.
 *
 * A refusal of a version Baton holds no record of (or of a control that changes no version) is a
 * model-level `audit` effect (applied through the ledger), so nothing is ever refused in silence.
 *
 * @example
 *   refusal(event, 'carol is not an approver of fraud', now);
 *   // { next: null, effects: [{ type: 'audit', entry: { kind: 'control.refused', evidence: { outcome: 'refused', … } } }, respond?], audit: [] }
 */
import { businessKey, type ControlEvent, type DecisionEvent } from '../../events/promotionEvent';
import type { Decision } from './decision';
import type { Effect } from './effects';
import type { AuditEntry } from './state';

/** What became of a person's decision or control. */
export const AnswerOutcome = {
  /** It changed what Baton does (an approval counted, a rollout paused, a champion rolled back). */
  Applied: 'applied',
  /** It changed nothing; `message` says why. */
  Refused: 'refused',
} as const;
export type AnswerOutcome = (typeof AnswerOutcome)[keyof typeof AnswerOutcome];

type PersonEvent = DecisionEvent | ControlEvent;

/**
 * The evidence fields that make an audit entry the answer to one delivery.
 *
 * @example
 *   answerEvidence(approveEvent, AnswerOutcome.Refused, 'not an approver'); // { deliveryId, via: 'cli', outcome: 'refused', message: 'not an approver' }
 */
export function answerEvidence(event: PersonEvent, outcome: AnswerOutcome, message: string) {
  return { deliveryId: event.deliveryId, via: event.via, outcome, message };
}

/** What the person asked for, in the words of the audit trail (`approve`, `resume`, `rollback`). */
function actionOf(event: PersonEvent): Record<string, string> {
  return event.type === 'decision' ? { decision: event.decision } : { action: event.action };
}

/**
 * The audit entry of a refusal: `decision.refused` or `control.refused`, with the reason, the
 * action and the delivery id.
 *
 * @example
 *   refusalEntry(controlEvent, 'fraud has no rollout running', now).kind; // 'control.refused'
 */
export function refusalEntry(
  event: PersonEvent,
  reason: string,
  now: Date,
  version = event.version,
): AuditEntry {
  return {
    at: now.toISOString(),
    model: event.model,
    ...(version !== undefined && { version }),
    kind: `${event.type}.refused`,
    actor: event.actor,
    cause: businessKey(event),
    evidence: { ...actionOf(event), reason, ...answerEvidence(event, AnswerOutcome.Refused, reason) },
  };
}

/**
 * The Slack answer (response_url) to a refusal, when the event came with one.
 *
 * @example
 *   refusalReply(slackEvent, 'Not recorded: too late'); // [{ type: 'respond', url, text: 'Not recorded: too late', replace: false }]
 */
export function refusalReply(event: PersonEvent, text: string): Effect[] {
  return event.responseUrl ? [{ type: 'respond', url: event.responseUrl, text, replace: false }] : [];
}

/**
 * A refusal that changes no version's state: recorded in the model's audit and told to the person.
 * `said` is the Slack text (by default `Not done: <reason>`).
 *
 * @example
 *   refusal(resumeByCarol, 'carol is not an approver of fraud', now).effects[0].type; // 'audit'
 */
export function refusal(
  event: PersonEvent,
  reason: string,
  now: Date,
  said = `Not done: ${reason}`,
): Decision {
  return {
    next: null,
    effects: [{ type: 'audit', entry: refusalEntry(event, reason, now) }, ...refusalReply(event, said)],
    audit: [],
  };
}

/**
 * Marks a decision as the answer to the person's event: its first audit entry carries the delivery
 * id, the outcome and the message (a decision that audits nothing gets a `<type>.answered` entry).
 *
 * @example
 *   answered(pauseDecision, pauseEvent, AnswerOutcome.Applied, 'paused the rollout of fraud v7', now);
 */
export function answered(
  decision: Decision,
  event: PersonEvent,
  outcome: AnswerOutcome,
  message: string,
  now: Date,
): Decision {
  const stamp = answerEvidence(event, outcome, message);
  const [first, ...rest] = decision.audit;
  if (first)
    return { ...decision, audit: [{ ...first, evidence: { ...first.evidence, ...stamp } }, ...rest] };
  const entry: AuditEntry = {
    ...refusalEntry(event, message, now),
    kind: `${event.type}.${outcome === AnswerOutcome.Refused ? 'refused' : 'answered'}`,
    evidence: { ...actionOf(event), ...(outcome === AnswerOutcome.Refused && { reason: message }), ...stamp },
  };
  // Stored with the state when there is one, else in the model's audit.
  return decision.next
    ? { ...decision, audit: [entry] }
    : { ...decision, effects: [...decision.effects, { type: 'audit', entry }] };
}

export interface Answer {
  outcome: AnswerOutcome;
  message: string;
  entry: AuditEntry;
}

/**
 * The answer recorded for one delivery in a model's audit trail, or null while there is none yet.
 *
 * @example
 *   answerFor(await store.listAudit('fraud'), 'cli:6f1c…'); // { outcome: 'refused', message: 'fraud has no rollout running', entry }
 */
export function answerFor(audit: readonly AuditEntry[], deliveryId: string): Answer | null {
  for (const entry of audit) {
    const { deliveryId: id, outcome, message } = entry.evidence;
    if (id !== deliveryId || (outcome !== AnswerOutcome.Applied && outcome !== AnswerOutcome.Refused))
      continue;
    return { outcome, message: typeof message === 'string' ? message : entry.kind, entry };
  }
  return null;
}
