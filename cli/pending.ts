/**
 * The work stored on a version's record and not finished yet (lib/app/storedIntent.ts), as
 * `baton status` shows it: the effects left to apply, the events still to decide (an approval
 * received during an outage), the failed attempts and the last error, which is why it is stuck.
 *
 * Nothing here prints a stored effect or event as it is: a Slack reply carries its response_url
 * and a notice can carry signed approval links, so each is named by what it does, never by its
 * payload. The last error comes from Baton's typed errors (method and path, never headers); it is
 * still passed through `redactSecrets`, so a server that echoes a credential back cannot leak it.
 *
 * @example
 *   pendingLines(pendingWork(states)); // ['Pending work (stored, not applied yet; the tick retries it):', '  v7  …']
 */
import type { PromotionEvent } from '../events/promotionEvent';
import type { VersionState } from '../lib/domain/state';

/** One version's unfinished work, as `baton status --json` prints it under `pending`. */
export interface PendingWork {
  version: string;
  /** The effects still to apply, in order, each named by what it does. */
  effects: string[];
  /** The events kept on the record still to decide, oldest first. */
  received: string[];
  /** Failed attempts so far (0: stored, not tried yet or not failed yet). */
  attempts: number;
  /** Why the last attempt failed; null when none has. */
  lastError: string | null;
  /** When the tick tries again (ISO 8601); null when no retry is scheduled. */
  retryAt: string | null;
}

type StoredEffect = NonNullable<VersionState['intent']>['effects'][number];

const str = (value: unknown): string => (typeof value === 'string' ? value : '?');

/** What one stored effect does, in a few words, without its payload. */
export function describeEffect(effect: StoredEffect): string {
  const e = effect as Record<string, unknown>;
  const v = `v${str(e.version)}`;
  switch (effect.type) {
    case 'setTag':
      return `tag ${str(e.key)} on ${v}`;
    case 'setTags':
      return `tags ${Object.keys((e.tags ?? {}) as object).join(', ')} on ${v}`;
    case 'setAlias':
      return `alias ${str(e.alias)} → ${v}`;
    case 'deleteAlias':
      return `remove alias ${str(e.alias)} from ${v}`;
    case 'recordChampion':
      return `record ${v} as champion`;
    case 'recordPhase':
      return `record ${v} as ${str(e.phase)}`;
    case 'respond':
      return 'update the Slack message';
    case 'notify':
      return `notice ${str((e.notification as { kind?: unknown } | undefined)?.kind)}`;
    case 'takeLease':
      return `take the rollout lease for ${v}`;
    case 'releaseLease':
      return `release the rollout lease of ${v}`;
    case 'shiftTraffic':
      return `traffic on ${str(e.endpoint)}: ${Object.entries((e.weights ?? {}) as Record<string, number>)
        .map(([version, weight]) => `v${version} ${weight}%`)
        .join(', ')}`;
    case 'finaliseEndpoint':
      return `leave only ${v} on ${str(e.endpoint)}`;
    case 'retrain':
      return 'request retraining';
    case 'recordAlert':
      return 'record the alert';
    case 'audit':
      return `audit ${str((e.entry as { kind?: unknown } | undefined)?.kind)}`;
    case 'enqueue':
      return `enqueue a ${str((e.event as { type?: unknown } | undefined)?.type)} event`;
    case 'copyVersion':
      return `copy ${v} to ${str(e.model)}${typeof e.registry === 'string' ? ` in ${e.registry}` : ''}`;
    default:
      return effect.type;
  }
}

/** What one kept event is, in a few words: who decided what, or which deadline fell due. */
export function describeEvent(event: PromotionEvent): string {
  switch (event.type) {
    case 'decision':
      return `${event.decision} by ${event.actor} (${event.via})`;
    case 'control':
      return `${event.action} by ${event.actor} (${event.via})`;
    case 'due':
      return `deadline ${new Date(event.dueAt).toISOString()}`;
    case 'alert':
      return `alert ${event.alert.name} ${event.alert.state}`;
    case 'registry':
      return `registry ${event.kind}`;
  }
}

/** Credentials as they could appear in an error text: auth schemes, URL user info, query secrets, known token shapes. */
const secretPatterns: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[^\s,;]+/gi, '$1 [redacted]'],
  [/\b(token|secret|password|api[_-]?key)(["']?\s*[:=]\s*["']?)[^\s,;"'&]+/gi, '$1$2[redacted]'],
  [/(\w+:\/\/)[^/\s@]+@/g, '$1[redacted]@'],
  [/([?&](?:[\w-]*(?:token|key|secret|sig|signature|password|code)[\w-]*))=[^&\s]+/gi, '$1=[redacted]'],
  [/\bdapi[0-9a-f]{16,}(-\d+)?\b/gi, '[redacted]'],
  [/\bxox[a-z]-[\w-]+/gi, '[redacted]'],
  [/hooks\.slack\.com\/\S+/gi, 'hooks.slack.com/[redacted]'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, '[redacted]'],
];

/**
 * `text` with anything shaped like a credential replaced by `[redacted]`.
 *
 * @example
 *   redactSecrets('401: Bearer dapi0123456789abcdef refused'); // '401: Bearer [redacted] refused'
 */
export function redactSecrets(text: string): string {
  return secretPatterns.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * The unfinished work of each version that has some, newest version first.
 *
 * @example
 *   pendingWork([{ ...state, intent: { effects: [], received: [approval], attempts: 2 } }])[0]?.received;
 */
export function pendingWork(states: VersionState[]): PendingWork[] {
  return states
    .filter((s) => s.intent && (s.intent.effects.length > 0 || s.intent.received.length > 0))
    .sort((a, b) => Number(b.version) - Number(a.version))
    .map((s) => {
      const intent = s.intent!;
      return {
        version: s.version,
        effects: intent.effects.map(describeEffect),
        received: intent.received.map(describeEvent),
        attempts: intent.attempts,
        lastError: intent.lastError === undefined ? null : redactSecrets(intent.lastError),
        retryAt: s.dueAt === undefined ? null : new Date(s.dueAt).toISOString(),
      };
    });
}

/**
 * The text lines of `baton status` for the unfinished work; none when there is none.
 *
 * @example
 *   pendingLines([]); // []
 */
export function pendingLines(pending: PendingWork[]): string[] {
  if (pending.length === 0) return [];
  const lines = ['Pending work (stored, not applied yet; the tick retries it):'];
  for (const p of pending) {
    const head = `  v${p.version}  `;
    const indent = ' '.repeat(head.length);
    const details = [
      ...(p.effects.length > 0 ? [`effects left (${p.effects.length}): ${p.effects.join('; ')}`] : []),
      ...(p.received.length > 0 ? [`to decide (${p.received.length}): ${p.received.join('; ')}`] : []),
      `attempts ${p.attempts}${p.retryAt ? `, next retry ${p.retryAt}` : ''}`,
      ...(p.lastError ? [`last error: ${p.lastError}`] : []),
    ];
    lines.push(...details.map((d, i) => `${i === 0 ? head : indent}${d}`));
  }
  return lines;
}
