/**
 * The answer to a decision or control queued from the command line. The worker records every
 * outcome of a person's decision (applied or refused) as an audit entry whose evidence carries the
 * event's delivery id, the outcome and the sentence the person is told (lib/domain/answers.ts). The
 * CLI generates the delivery id (`cli:<uuid>`), queues the event, then polls the model's audit
 * trail with backoff until that entry appears or the wait runs out. Polling the audit (rather than
 * a reply queue or a separate "answers" record) needs no new infrastructure or IAM, reads the same
 * record `baton history` shows, and works for every channel.
 *
 * Exit codes (documented in `baton help` and README):
 *   0 applied · 1 refused · 2 usage or error · 3 no answer within the wait (the event stays queued).
 *
 * @example
 *   const code = await queueAndAnswer(context, event, { waitSeconds: 30, json: false, queued: 'Queued: …' });
 */
import type { Command } from 'commander';
import type { PromotionEvent } from '../events/promotionEvent';
import { type Answer, answerFor } from '../lib/domain/answers';
import type { PromotionStore } from '../lib/domain/ports';
import type { EventQueue } from '../lib/domain/queuePorts';

export const ExitCode = {
  /** The worker applied the decision. */
  Applied: 0,
  /** The worker refused it; the reason is printed and in `baton history`. */
  Refused: 1,
  /** Bad arguments, or Baton could not be reached. */
  Usage: 2,
  /** Queued, but no answer within the wait: the worker has not got to it yet (or is down). */
  NoAnswer: 3,
} as const;

export const defaultWaitSeconds = 30;

/**
 * Adds the options every deciding command shares (`--wait S`, `--no-wait`, `--json`) and returns
 * how to read the wait once parsed. Commander folds `--no-wait` into the value of `--wait`, so the
 * flags are watched as given, to refuse both together as the CLI always has.
 *
 * @example
 *   const waitSeconds = waitOptions(cmd); // after parsing: waitSeconds() → 30
 */
export function waitOptions(cmd: Command): () => number {
  const given: { wait?: string; 'no-wait'?: boolean } = {};
  cmd
    .option('--wait <seconds>', `how long to wait for the worker's answer (default ${defaultWaitSeconds})`)
    .option('--no-wait', 'return once queued (exit 0); `baton history` shows the outcome later')
    .option('--json', 'print {"deliveryId", "outcome": "applied"|"refused"|"queued", "message"}');
  cmd.addHelpText(
    'after',
    '\nExit codes: 0 applied (or queued, with --no-wait) · 1 refused · 2 usage error or Baton unreachable ·\n3 no answer within the wait (still queued).',
  );
  cmd.on('option:wait', (seconds: string) => {
    given.wait = seconds;
  });
  cmd.on('option:no-wait', () => {
    given['no-wait'] = true;
  });
  return () => waitSecondsOf(given);
}

export const waitUsage = '[--wait SECONDS | --no-wait] [--json]';

/** Seconds to wait for the answer: `--no-wait` is 0, `--wait S` is S, else the default. */
export function waitSecondsOf(values: { wait?: string; 'no-wait'?: boolean }): number {
  if (values['no-wait']) {
    if (values.wait !== undefined) throw new Error('use either --wait or --no-wait');
    return 0;
  }
  if (values.wait === undefined) return defaultWaitSeconds;
  const seconds = Number(values.wait);
  if (!/^\d+(\.\d+)?$/.test(values.wait) || !Number.isFinite(seconds)) {
    throw new Error('--wait must be a number of seconds, e.g. --wait 60');
  }
  return seconds;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Polls the model's audit for the answer to `deliveryId`, backing off from 100 ms to 2 s, until it
 * appears or `waitMs` has passed (then null).
 *
 * @example
 *   await awaitAnswer(store, 'fraud-detector', 'cli:6f1c…', 30_000); // { outcome: 'refused', message: '…' } | null
 */
export async function awaitAnswer(
  store: Pick<PromotionStore, 'listAudit'>,
  model: string,
  deliveryId: string,
  waitMs: number,
  clock: Clock = realClock,
): Promise<Answer | null> {
  const deadline = clock.now() + waitMs;
  let delay = 100;
  for (;;) {
    const found = answerFor(await store.listAudit(model), deliveryId);
    if (found) return found;
    const left = deadline - clock.now();
    if (left <= 0) return null;
    await clock.sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 2_000);
  }
}

/**
 * Waits, within what is left of the wait, until the answered version has no stored effects left to
 * apply: the worker stores a decision before its effects (lib/app/storedIntent.ts), so "applied"
 * is printed once the registry and the endpoint show it too. False when the time ran out first.
 *
 * @example
 *   await awaitApplied(store, 'fraud', '7', deadline); // true once state.intent is gone
 */
export async function awaitApplied(
  store: Pick<PromotionStore, 'getVersion'>,
  model: string,
  version: string | undefined,
  deadline: number,
  clock: Clock = realClock,
): Promise<boolean> {
  if (version === undefined) return true;
  let delay = 100;
  for (;;) {
    const state = await store.getVersion(model, version);
    if (!state?.intent?.effects.length) return true;
    const left = deadline - clock.now();
    if (left <= 0) return false;
    await clock.sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 2_000);
  }
}

export interface AnswerContext {
  store: Pick<PromotionStore, 'listAudit' | 'getVersion'>;
  queue: EventQueue;
  clock?: Clock;
}

/**
 * Queues a person's event and prints the worker's answer (or, with no wait, that it was queued).
 * Returns the exit code.
 *
 * @example
 *   return queueAndAnswer(cliContext(), event, { waitSeconds: 30, json: false, queued: 'Queued: bob approves fraud v3.' });
 */
export async function queueAndAnswer(
  context: AnswerContext,
  event: PromotionEvent,
  options: { waitSeconds: number; json: boolean; queued: string },
): Promise<number> {
  const print = (fields: Record<string, unknown>, text: string) =>
    process.stdout.write(
      options.json ? `${JSON.stringify({ deliveryId: event.deliveryId, ...fields })}\n` : `${text}\n`,
    );
  await context.queue.enqueue(event);
  if (options.waitSeconds <= 0) {
    print({ outcome: 'queued' }, `${options.queued} See \`baton history ${event.model}\` for the outcome.`);
    return ExitCode.Applied;
  }
  const deadline = (context.clock ?? realClock).now() + options.waitSeconds * 1000;
  const answer = await awaitAnswer(
    context.store,
    event.model,
    event.deliveryId,
    options.waitSeconds * 1000,
    context.clock,
  );
  if (!answer) {
    print(
      { outcome: 'queued', message: `no answer within ${options.waitSeconds} s` },
      `${options.queued} No answer within ${options.waitSeconds} s: it is still queued (delivery ${event.deliveryId}); see \`baton history ${event.model}\`.`,
    );
    return ExitCode.NoAnswer;
  }
  if (answer.outcome === 'refused') {
    print({ outcome: 'refused', message: answer.message }, `refused: ${answer.message}`);
    return ExitCode.Refused;
  }
  const applied = await awaitApplied(
    context.store,
    event.model,
    answer.entry.version,
    deadline,
    context.clock,
  );
  if (!applied) {
    const still = `${answer.message} (decided; the registry and endpoint are still being updated: see \`baton status ${event.model}\`)`;
    print({ outcome: 'applied', message: answer.message, pending: true }, still);
    return ExitCode.Applied;
  }
  print({ outcome: 'applied', message: answer.message }, answer.message);
  return ExitCode.Applied;
}
