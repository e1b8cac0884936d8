/**
 * What a dead-lettered message is about, read leniently from its body: a message lands in a DLQ
 * precisely because something about it failed, so this never rejects a body, it names what it can.
 * Three shapes reach Baton's DLQs: a promotion event (the promotion queue), an SNS envelope around
 * a CloudWatch alarm (the alarm queue), and an SNS envelope around a notification (the notifier's
 * subscription). `baton dlq list` and the local stack's DLQ watcher both print this summary.
 *
 * @example
 *   summarizeDeadLetter('{"type":"registry","kind":"model_version.created","model":"fraud","version":"3",…}');
 *   // { model: 'fraud', version: '3', eventType: 'model_version.created' }
 */
import * as z from 'zod/mini';
import { parseJson } from '../../events/json';

export interface DeadLetterSummary {
  model: string | null;
  version: string | null;
  /** The registry event kind, `decision.approve`, `due`, a notification kind, or `alarm <state>`. */
  eventType: string | null;
}

/** Only the fields a summary names; every one optional, anything else ignored. */
const fieldsSchema = z.object({
  type: z.optional(z.string()),
  kind: z.optional(z.string()),
  decision: z.optional(z.string()),
  model: z.optional(z.string()),
  version: z.optional(z.union([z.string(), z.number()])),
  AlarmName: z.optional(z.string()),
  NewStateValue: z.optional(z.string()),
});

const envelopeSchema = z.object({ Type: z.literal('Notification'), Message: z.string() });

function fieldsOf(value: unknown): DeadLetterSummary {
  const parsed = fieldsSchema.safeParse(value);
  if (!parsed.success) return { model: null, version: null, eventType: null };
  const f = parsed.data;
  const eventType = f.AlarmName
    ? `alarm ${f.AlarmName} ${f.NewStateValue ?? ''}`.trim()
    : f.type === 'decision' && f.decision
      ? `decision.${f.decision}`
      : f.type === 'registry' || f.type === undefined
        ? (f.kind ?? null)
        : f.type;
  return { model: f.model ?? null, version: f.version === undefined ? null : String(f.version), eventType };
}

/**
 * The model, version and event type a dead-lettered body names (null where it names none).
 *
 * @example
 *   summarizeDeadLetter('not json'); // { model: null, version: null, eventType: null }
 */
export function summarizeDeadLetter(body: string): DeadLetterSummary {
  const json = parseJson(body);
  if (!json.ok) return { model: null, version: null, eventType: null };
  const envelope = envelopeSchema.safeParse(json.value);
  if (!envelope.success) return fieldsOf(json.value);
  const inner = parseJson(envelope.data.Message);
  return fieldsOf(inner.ok ? inner.value : undefined);
}

/**
 * One line for a log or a terminal: `fraud v3 model_version.created`.
 *
 * @example
 *   describeDeadLetter({ model: 'fraud', version: '3', eventType: 'due' }); // 'fraud v3 due'
 */
export function describeDeadLetter(summary: DeadLetterSummary): string {
  const parts = [summary.model, summary.version && `v${summary.version}`, summary.eventType];
  return parts.filter(Boolean).join(' ') || '(unreadable body)';
}
