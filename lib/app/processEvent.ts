/**
 * The worker's use case for one event: load what Baton remembers, read the facts the decision
 * needs back from the registry, decide (pure), apply the effects (each idempotent), then store
 * the new state and its audit entries in one conditional transaction. A crash anywhere leaves
 * the message to be redelivered, and the steps converge.
 *
 * Reading (gatherFacts.ts), applying (applyEffect.ts) and routing unrouted alerts
 * (routeUnroutedAlert.ts) live in files of their own; this file is only the order of the steps.
 *
 * @example
 *   const outcome = await processEvent(event, deps); // deps: PromotionDeps, every port present
 *   outcome.phase; // 'validated'
 */
import type { PromotionEvent } from '../../events/promotionEvent';
import { decide } from '../domain/decide';
import { applyEffect } from './applyEffect';
import { gatherFacts } from './gatherFacts';
import type { Outcome, PromotionDeps } from './promotionDeps';
import { routeUnroutedAlert } from './routeUnroutedAlert';

export type { Outcome, PromotionDeps } from './promotionDeps';

/** The version an alert or a person's control concerns when it names none: the running rollout's, else the champion. */
async function subjectVersion(event: PromotionEvent, deps: PromotionDeps): Promise<string | undefined> {
  if (event.version !== undefined) return event.version;
  if (event.type !== 'alert' && event.type !== 'control') return undefined;
  const rolling = await deps.ledger.leaseHolder(event.model);
  return rolling ?? (await deps.store.getChampion(event.model)) ?? undefined;
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
  let state = version === undefined ? null : await deps.store.getVersion(event.model, version);
  const facts = await gatherFacts(event, state, policy, deps);
  let effects = 0;
  // A decision may record an intent and ask to be decided again on it (a promotion): at most twice.
  for (let round = 0; round < 3; round++) {
    const decision = decide(state, event, policy, facts, deps.now());
    // In order: the PENDING tag before the checks, the verdict before the alias, the notice last.
    for (const effect of decision.effects) await applyEffect(effect, event, policy, deps);
    effects += decision.effects.length;
    // Every decision writes the revision after the one it read: the write is conditional on that.
    if (decision.next)
      await deps.store.saveVersion(decision.next, decision.next.revision - 1, decision.audit);
    if (!decision.again || !decision.next) return { phase: decision.next?.phase ?? null, effects };
    state = decision.next;
  }
  return { phase: state?.phase ?? null, effects };
}
