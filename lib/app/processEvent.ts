/**
 * The worker's use case for one event: load what Baton remembers, read the facts the decision
 * needs back from the registry, decide (pure), store the decision first — the new state, its
 * audit entries and the effects still to apply, in one conditional write — then apply the effects
 * in order and clear them (storedIntent.ts). A person's decision or control is kept on the
 * version's record before anything that can fail is read. Whatever a record holds (effects still
 * to apply, events still to decide) is finished before the next event is decided, by any
 * redelivery or by the tick, which the record's `dueAt` brings back. An outage delays a decision;
 * the queued message is acknowledged once the work is stored, so it never wears out its receives.
 *
 * Reading (gatherFacts.ts), applying (applyEffect.ts) and routing unrouted alerts
 * (routeUnroutedAlert.ts) live in files of their own; this file is only the order of the steps.
 *
 * @example
 *   const outcome = await processEvent(event, deps); // deps: PromotionDeps, every port present
 *   outcome.phase; // 'validated'
 */
import { type PromotionEvent, RegistryEventKind } from '../../events/promotionEvent';
import { type Decision, decide, type Facts } from '../domain/decide';
import { Phase } from '../domain/phases';
import type { Policy } from '../domain/policy';
import type { VersionState } from '../domain/state';
import { applyEffect } from './applyEffect';
import { gatherFacts } from './gatherFacts';
import type { Outcome, PromotionDeps } from './promotionDeps';
import { routeUnroutedAlert } from './routeUnroutedAlert';
import {
  applyStoredEffects,
  decidedView,
  FactsUnavailableError,
  recordAttempt,
  rootOf,
  storeWork,
  withWork,
  workOf,
} from './storedIntent';

export type { Outcome, PromotionDeps } from './promotionDeps';

/** Where the steps so far left a version: its record, the phase stored, effects applied, and what blocks the rest. */
interface Step {
  state: VersionState | null;
  phase: string | null;
  effects: number;
  /** Stored work failed (it stays stored, and the tick retries it). */
  blocked?: unknown;
}

/** How many kept events' delivery ids a record remembers, against redeliveries after a crash. */
const rememberedDeliveries = 20;
const deliveryOf = (event: PromotionEvent) => `${event.type}:${event.deliveryId}`;

/** A person's decision or control: kept on the record first, so no outage can drop it. */
const fromPerson = (event: PromotionEvent) => event.type === 'decision' || event.type === 'control';

/** The version an alert or a person's control concerns when it names none: the running rollout's, else the champion. */
async function subjectVersion(event: PromotionEvent, deps: PromotionDeps): Promise<string | undefined> {
  if (event.version !== undefined) return event.version;
  if (event.type !== 'alert' && event.type !== 'control') return undefined;
  const rolling = await deps.ledger.leaseHolder(event.model);
  return rolling ?? (await deps.store.getChampion(event.model)) ?? undefined;
}

/** One decision, with the recorded intents it asks to be decided again on (a promotion's finish) folded in. */
function decideFully(
  state: VersionState | null,
  event: PromotionEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision & { read: number } {
  let decision = decide(state, event, policy, facts, now);
  // The revision of the record the first decision read: `state`'s, or, when the decision is about
  // another record than the event's version (a champion alias moved by hand: Baton's champion of
  // record is restored), the one that came with the facts.
  const other = decision.next && (!state || decision.next.version !== state.version);
  const read = other ? decision.next!.revision - 1 : (state?.revision ?? 0);
  // At most twice more: an approval that starts a promotion, which is then finished.
  for (let round = 0; decision.again && decision.next && round < 2; round++) {
    const then = decide(decision.next, event, policy, facts, now);
    decision = {
      next: then.next ?? decision.next,
      effects: [...decision.effects, ...then.effects],
      audit: [...decision.audit, ...then.audit],
      ...(then.again && { again: true }),
    };
  }
  return { ...decision, read };
}

/**
 * Decides one event on the record and stores the decision with its effects before applying them.
 * `kept`: the event came from the record's kept events, and these are the ones still after it.
 * Throws only before anything is stored (a fact that cannot be read, a stale record).
 */
async function decideOne(
  event: PromotionEvent,
  state: VersionState | null,
  policy: Policy | undefined,
  deps: PromotionDeps,
  kept?: PromotionEvent[],
): Promise<Step> {
  const view = state && decidedView(state);
  const facts = await gatherFacts(event, view, policy, deps).catch((error: unknown) => {
    throw new FactsUnavailableError(event, error);
  });
  const now = deps.now();
  const decision = decideFully(view, event, policy, facts, now);
  const phase = decision.next?.phase ?? null;
  const plain = decision.next ?? view;
  // Nothing to record (a reply, a note, a hand-off, a retry request): applied as it comes, retried by the queue.
  if (!plain || (!decision.next && kept === undefined)) {
    // In order: the PENDING tag before the checks, the verdict before the alias, the notice last.
    for (const effect of decision.effects) await applyEffect(effect, event, policy, deps);
    return { state, phase, effects: decision.effects.length };
  }
  // The lease is the gate of "one rollout per model": taken before the decision that needs it is
  // stored, so a version that loses the race stores nothing and is decided again (it then waits).
  for (const gate of decision.effects.filter((e) => e.type === 'takeLease'))
    await applyEffect(gate, event, policy, deps);
  const effects = decision.effects.filter((e) => e.type !== 'takeLease');
  // Every decision writes the revision after the one it read, with the effects it still has to apply.
  const revision = decision.read + 1;
  const decided = kept
    ? { decided: [...(plain.decided ?? []), deliveryOf(event)].slice(-rememberedDeliveries) }
    : {};
  const next = withWork(
    { ...plain, ...decided, revision, updatedAt: now.toISOString() },
    { effects, received: kept ?? [], attempts: 0 },
    now,
  );
  await deps.store.saveVersion(next, revision - 1, decision.audit);
  const applied = await applyStoredEffects(next, policy, deps);
  return { state: applied.state, phase, effects: applied.applied, blocked: applied.failed };
}

/** Finishes what the record holds, in order: the stored effects, then each kept event, decided now. */
async function settle(state: VersionState, policy: Policy | undefined, deps: PromotionDeps): Promise<Step> {
  let step: Step = { state, phase: null, effects: 0 };
  // Each round clears the effects, decides one kept event, or stops on a failure: it ends.
  while (step.state?.intent && step.blocked === undefined) {
    const current: VersionState = step.state;
    const work = workOf(current);
    if (work.effects.length > 0) {
      const applied = await applyStoredEffects(current, policy, deps, true);
      step = {
        state: applied.state,
        phase: applied.state.phase,
        effects: step.effects + applied.applied,
        blocked: applied.failed,
      };
      continue;
    }
    const [event, ...rest] = work.received;
    try {
      const decided = await decideOne(event!, current, policy, deps, rest);
      step = { ...decided, phase: decided.phase ?? step.phase, effects: step.effects + decided.effects };
    } catch (error) {
      // Its facts cannot be read yet (an outage): it stays kept, and the tick comes back for it.
      return { ...step, state: await recordAttempt(current, work, error, deps), blocked: rootOf(error) };
    }
  }
  return step;
}

/** Keeps an event on the record, after those kept before it (a redelivery of one already kept, once). */
async function keep(state: VersionState, event: PromotionEvent, deps: PromotionDeps): Promise<VersionState> {
  const work = workOf(state);
  const delivery = deliveryOf(event);
  const known = work.received.some((e) => deliveryOf(e) === delivery) || state.decided?.includes(delivery);
  if (known) return state;
  return storeWork(state, { ...work, received: [...work.received, event] }, deps);
}

function outcomeOf(step: Step): Outcome {
  const blocked = step.blocked as Error | undefined;
  return {
    phase: step.phase,
    effects: step.effects,
    ...(blocked !== undefined && { deferred: `${blocked.name}: ${blocked.message}` }),
  };
}

/**
 * @example
 *   await processEvent(createdEvent, deps); // { phase: 'validated', effects: 5 }
 */
export async function processEvent(event: PromotionEvent, deps: PromotionDeps): Promise<Outcome> {
  // An alert that names no model yet is handed to the models it concerns, each decided on its own.
  if (event.type === 'alert' && !event.route) return routeUnroutedAlert(event, deps);
  const policy = deps.policyFor(event.model);
  const version = await subjectVersion(event, deps);
  if (
    version !== undefined &&
    event.version === undefined &&
    (event.type === 'alert' || event.type === 'control')
  ) {
    event = { ...event, version };
  }
  const state = version === undefined ? null : await deps.store.getVersion(event.model, version);
  if (!state) {
    try {
      return outcomeOf(await decideOne(event, null, policy, deps));
    } catch (error) {
      // A new version whose facts cannot be read now (an outage): a record of it keeps the event for the tick.
      const created = event.type === 'registry' && event.kind === RegistryEventKind.ModelVersionCreated;
      if (!(error instanceof FactsUnavailableError) || !created || version === undefined) throw error;
      const record = { model: event.model, version, phase: Phase.Registered, revision: 0, updatedAt: '' };
      const kept = await keep(record, event, deps);
      return outcomeOf({ state: kept, phase: kept.phase, effects: 0, blocked: rootOf(error) });
    }
  }
  // A person's decision is stored before any read that can fail: an outage delays it, never drops it.
  const held = fromPerson(event) ? await keep(state, event, deps) : state;
  // What the record holds is finished first (a person's decision among it, in the order received).
  const settled = await settle(held, policy, deps);
  if (fromPerson(event)) return outcomeOf(settled);
  // Still blocked: the event waits on the record behind the stored work (a deadline comes back with the tick).
  if (settled.blocked !== undefined) {
    if (event.type !== 'due') await keep(settled.state!, event, deps);
    return outcomeOf(settled);
  }
  try {
    const step = await decideOne(event, settled.state, policy, deps);
    return outcomeOf({
      ...step,
      phase: step.phase ?? settled.phase,
      effects: settled.effects + step.effects,
    });
  } catch (error) {
    // Its facts cannot be read now (an outage): it is kept on the record and decided when they can be.
    if (!(error instanceof FactsUnavailableError)) throw error;
    const kept = await keep(settled.state!, event, deps);
    return outcomeOf({ state: kept, phase: null, effects: settled.effects, blocked: rootOf(error) });
  }
}
