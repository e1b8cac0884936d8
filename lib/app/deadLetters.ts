/**
 * The dead-letter use cases behind `baton dlq`: list what every DLQ holds and why, and send it
 * back. "Why" comes from Baton's table: the worker records each failed attempt with the SQS message
 * id (handlePromotionRecord), and SQS keeps that id when it moves the message to the DLQ, so the
 * last recorded failure of the same message id is the reason it was dead-lettered.
 *
 * @example
 *   const report = await listDeadLetters({ deadLetters, store }, { limit: 20 });
 *   report[0].messages[0].why; // 'RegistryUnavailableError: GET …: connection refused'
 */
import type { DeadLetterQueue, DeadLetterQueues, RedriveResult } from '../domain/deadLetterPorts';
import type { EventFailure, PromotionStore } from '../domain/ports';
import { type DeadLetterSummary, summarizeDeadLetter } from './deadLetterSummary';

export interface DeadLetterDeps {
  deadLetters: DeadLetterQueues;
  store: Pick<PromotionStore, 'listFailures'>;
}

export interface DeadLetterReport {
  queue: string;
  /** Where redrive sends its messages; null for the notifier's SNS subscription DLQ. */
  source: string | null;
  depth: number;
  inFlight: number;
  messages: Array<
    DeadLetterSummary & {
      messageId: string;
      receiveCount: number;
      firstReceivedAt: string | null;
      /** The last failed attempt Baton recorded for this message (null: none on file). */
      lastReceivedAt: string | null;
      why: string | null;
    }
  >;
}

/** How many failures per model are searched for a message's reason. */
const failuresPerModel = 100;

/**
 * Every DLQ with its depth and up to `limit` of its messages, each with what it is about and why
 * it is there when Baton knows. Nothing is consumed.
 *
 * @example
 *   await listDeadLetters(deps, { limit: 20 }); // [{ queue: 'baton-prod-promotion-dlq.fifo', depth: 1, messages: [...] }, ...]
 */
export async function listDeadLetters(
  deps: DeadLetterDeps,
  options: { limit: number },
): Promise<DeadLetterReport[]> {
  const failures = new Map<string, Promise<EventFailure[]>>();
  const failuresOf = (model: string) => {
    if (!failures.has(model)) failures.set(model, deps.store.listFailures(model, failuresPerModel));
    return failures.get(model)!;
  };
  const reports: DeadLetterReport[] = [];
  for (const queue of await deps.deadLetters.queues()) {
    const peeked = queue.depth > 0 ? await deps.deadLetters.peek(queue, options.limit) : [];
    const messages = await Promise.all(
      peeked.map(async (m) => {
        const summary = summarizeDeadLetter(m.body);
        const failure = summary.model
          ? (await failuresOf(summary.model)).find((f) => f.messageId === m.messageId)
          : undefined;
        return {
          messageId: m.messageId,
          ...summary,
          receiveCount: m.receiveCount,
          firstReceivedAt: m.firstReceivedAt,
          lastReceivedAt: failure?.at ?? null,
          why: failure?.error ?? null,
        };
      }),
    );
    reports.push({
      queue: queue.name,
      source: queue.source?.name ?? null,
      depth: queue.depth,
      inFlight: queue.inFlight,
      messages,
    });
  }
  return reports;
}

/** A name given to `--queue`: the full queue name, or its short name (`promotion`, `alarms`). */
export function matchesQueue(queue: Pick<DeadLetterQueue, 'name'>, name: string): boolean {
  const short = queue.name.replace(/-dlq(\.fifo)?$/, '');
  return queue.name === name || short === name || short.endsWith(`-${name}`);
}

export class UnknownDeadLetterQueueError extends Error {
  constructor(name: string, known: string[]) {
    super(`no dead-letter queue named ${name}; there are: ${known.join(', ') || '(none)'}`);
    this.name = 'UnknownDeadLetterQueueError';
  }
}

/**
 * Sends dead letters back to their source queue: one DLQ (`queue`) or every DLQ that has a source
 * and holds messages; at most `max` per queue when given.
 *
 * @example
 *   await redriveDeadLetters(deps, { queue: 'promotion', max: 5 }); // [{ queue: '…-promotion-dlq.fifo', result: { method: 'move', moved: 5 } }]
 */
export async function redriveDeadLetters(
  deps: Pick<DeadLetterDeps, 'deadLetters'>,
  options: { queue?: string; max?: number },
): Promise<Array<{ queue: string; source: string | null; result: RedriveResult }>> {
  const all = await deps.deadLetters.queues();
  const name = options.queue;
  const chosen =
    name === undefined
      ? all.filter((q) => q.source && q.depth > 0)
      : all.filter((q) => matchesQueue(q, name));
  if (name !== undefined && chosen.length === 0) {
    throw new UnknownDeadLetterQueueError(
      name,
      all.map((q) => q.name),
    );
  }
  const results = [];
  for (const queue of chosen) {
    const result = await deps.deadLetters.redrive(queue, { max: options.max });
    results.push({ queue: queue.name, source: queue.source?.name ?? null, result });
  }
  return results;
}
