/**
 * Intent before effects: a decision is stored (state, audit and the effects it still has to
 * apply, in one conditional write) before any effect that can fail, then its effects are applied
 * in order and the stored list is cleared. An effect that fails (a registry or serving outage, an
 * AccessDenied) leaves the rest of the list on the record with the next retry as its `dueAt`, so
 * the tick's DueIndex sweep brings the worker back until they are done: the queued message is
 * acknowledged, and an outage delays a decision without wearing out the queue's receives.
 *
 * @example
 *   const { state, failed } = await applyStoredEffects(stored, policy, deps);
 *   failed; // undefined once every effect is applied and the list is cleared
 */
import type { PromotionEvent } from '../../events/promotionEvent';
import { advance } from '../domain/decision';
import type { Effect } from '../domain/effects';
import type { Policy } from '../domain/policy';
import type { VersionState } from '../domain/state';
import { logger } from '../log';
import { applyEffect } from './applyEffect';
import { PromotionError } from './errors';
import type { PromotionDeps } from './promotionDeps';

/** The facts a decision needs could not be read (the registry or monitoring is down): nothing was decided. */
export class FactsUnavailableError extends PromotionError {
  constructor(
    readonly event: PromotionEvent,
    cause: unknown,
  ) {
    super(`the facts for ${event.type} on ${event.model} v${event.version ?? '?'} cannot be read now`, {
      cause,
    });
    this.name = 'FactsUnavailableError';
  }
}

/** What went wrong underneath: a fact read's own error, else the error itself. */
export const rootOf = (error: unknown): unknown =>
  error instanceof FactsUnavailableError ? error.cause : error;

/** The first retry comes this soon; each failure doubles the wait, up to the tick's period in AWS. */
const firstRetryMs = 10_000;
const maxRetryMs = 60_000;

/** Work stored on a record and not finished yet. */
export interface Work {
  effects: Effect[];
  received: PromotionEvent[];
  attempts: number;
  lastError?: string;
}

/**
 * When the tick should come back to a record whose work failed `attempts` times.
 *
 * @example
 *   retryAt(new Date(0), 0); // 10000
 */
export function retryAt(now: Date, attempts: number): number {
  return now.getTime() + Math.min(maxRetryMs, firstRetryMs * 2 ** attempts);
}

/**
 * The record as the core decides on it: its own deadline back in `dueAt`, no stored work.
 *
 * @example
 *   decidedView(storedWithIntent).dueAt; // the decision's deadline, not the retry
 */
export function decidedView(state: VersionState): VersionState {
  if (!state.intent) return state;
  const { intent, dueAt: _retry, ...rest } = state;
  return intent.deadline === undefined ? rest : { ...rest, dueAt: intent.deadline };
}

/**
 * `plain` (a record as the core decided it) carrying this work: the retry in `dueAt`, the
 * decision's deadline kept aside. No work left: the plain record.
 *
 * @example
 *   withWork(next, { effects, received: [], attempts: 0 }, now).intent?.effects.length; // effects.length
 */
export function withWork(plain: VersionState, work: Work, now: Date): VersionState {
  const { intent: _done, ...record } = plain;
  if (work.effects.length === 0 && work.received.length === 0) return record;
  const { dueAt: deadline, ...rest } = record;
  return {
    ...rest,
    dueAt: retryAt(now, work.attempts),
    intent: {
      effects: work.effects,
      received: work.received,
      ...(deadline !== undefined && { deadline }),
      attempts: work.attempts,
      ...(work.lastError !== undefined && { lastError: work.lastError }),
    },
  };
}

/**
 * The work stored on a record (none: empty lists).
 *
 * @example
 *   workOf(state).received; // the events still to decide, oldest first
 */
export function workOf(state: VersionState): Work {
  const intent = state.intent;
  return {
    // Written by withWork from the core's own effects: read back as the effects they were.
    effects: (intent?.effects ?? []) as Effect[],
    received: intent?.received ?? [],
    attempts: intent?.attempts ?? 0,
    ...(intent?.lastError !== undefined && { lastError: intent.lastError }),
  };
}

/**
 * Stores the next revision of `state` with this work (conditional on the revision read).
 *
 * @example
 *   await storeWork(state, { ...workOf(state), received: [...workOf(state).received, event] }, deps);
 */
export async function storeWork(state: VersionState, work: Work, deps: PromotionDeps): Promise<VersionState> {
  const now = deps.now();
  const next = withWork(advance(decidedView(state), now, {}), work, now);
  await deps.store.saveVersion(next, state.revision, []);
  return next;
}

/**
 * Records a failed attempt at the stored work: the back-off grows, the error is on file.
 *
 * @example
 *   await recordAttempt(state, workOf(state), error, deps); // dueAt: the next retry
 */
export async function recordAttempt(
  state: VersionState,
  work: Work,
  error: unknown,
  deps: PromotionDeps,
): Promise<VersionState> {
  const root = rootOf(error) as Error;
  const lastError = `${root.name}: ${root.message}`.slice(0, 500);
  const next = await storeWork(state, { ...work, attempts: work.attempts + 1, lastError }, deps);
  logger.warn('stored work deferred; the tick retries it', {
    model: state.model,
    version: state.version,
    attempts: work.attempts + 1,
    retryAt: new Date(next.dueAt ?? 0).toISOString(),
    next: work.effects[0]?.type ?? work.received[0]?.type,
    error: root,
  });
  return next;
}

/**
 * Replaying a stored decision (after a crash or a failure), traffic moves only while the model's
 * rollout lease is free or this version's: another version's rollout that took it since owns the
 * endpoint now, and the decision's weights would take its canary away.
 */
async function endpointTaken(effect: Effect, state: VersionState, deps: PromotionDeps): Promise<boolean> {
  if (effect.type !== 'shiftTraffic' && effect.type !== 'finaliseEndpoint') return false;
  const holder = await deps.ledger.leaseHolder(state.model);
  return holder !== null && holder !== state.version;
}

/**
 * Applies the effects stored on the record, in order, then clears them (conditional write). On a
 * failure the effects from the failed one on stay stored, with the retry as `dueAt`. `replay`:
 * the effects were stored by an earlier invocation (see endpointTaken).
 *
 * @example
 *   const { state, applied, failed } = await applyStoredEffects(state, policy, deps, true);
 */
export async function applyStoredEffects(
  state: VersionState,
  policy: Policy | undefined,
  deps: PromotionDeps,
  replay = false,
): Promise<{ state: VersionState; applied: number; failed?: unknown }> {
  const work = workOf(state);
  if (work.effects.length === 0) return { state, applied: 0 };
  for (const [i, effect] of work.effects.entries()) {
    try {
      if (replay && (await endpointTaken(effect, state, deps))) {
        logger.info('stored traffic change skipped: another rollout holds the lease', {
          model: state.model,
          version: state.version,
        });
        continue;
      }
      await applyEffect(effect, state, policy, deps);
    } catch (error) {
      const rest = { ...work, effects: work.effects.slice(i) };
      return { state: await recordAttempt(state, rest, error, deps), applied: i, failed: error };
    }
  }
  const cleared = await storeWork(state, { effects: [], received: work.received, attempts: 0 }, deps);
  return { state: cleared, applied: work.effects.length };
}
