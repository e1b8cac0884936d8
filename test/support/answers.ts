/**
 * Finds the answer a decision gives the person: the audit entry (stored with the state, or the
 * model-level `audit` effect) that carries the outcome and the message for the event's delivery id.
 */
import type { Effect } from '../../lib/domain/effects';
import type { AuditEntry } from '../../lib/domain/state';

export function answersOf(result: { audit: AuditEntry[]; effects: Effect[] }): AuditEntry[] {
  const modelLevel = result.effects.flatMap((e) => (e.type === 'audit' ? [e.entry] : []));
  return [...result.audit, ...modelLevel].filter((e) => typeof e.evidence.outcome === 'string');
}

/** `[kind, outcome, message, deliveryId]` of each answer, for table assertions. */
export function answerRows(result: { audit: AuditEntry[]; effects: Effect[] }) {
  return answersOf(result).map((e) => [
    e.kind,
    e.evidence.outcome,
    e.evidence.message,
    e.evidence.deliveryId,
  ]);
}
