/**
 * The lifecycle as one pure function: given what Baton remembers about a version, the event,
 * the model's policy and the facts read back from the registry, decide the next state, the
 * effects to apply and the audit entries to store with it. Ordered guard clauses, each with
 * its intent and an early return. No I/O, no clock: `now` is passed in. This file dispatches by
 * event; each kind of event has its sub-decider (registryEvent.ts, approval.ts, deadlines.ts,
 * alertActions.ts, rollback.ts, rolloutControls.ts), and factsNeeded.ts says what to read first.
 *
 * @example
 *   const { next, effects, audit } = decide(null, createdEvent, policy, { validation }, now);
 */
import { businessKey, type PromotionEvent } from '../../events/promotionEvent';
import { decideAlert } from './alertActions';
import { decideApproval } from './approval';
import { decideCopyByHand, withCopyRequest } from './copyDecision';
import { decideDue } from './deadlines';
import type { Decision, Facts } from './decision';
import { Phase } from './phases';
import type { Policy } from './policy';
import { finishPromotion } from './promotion';
import { decideRegistryEvent } from './registryEvent';
import { decideRollback } from './rollback';
import { decideRolloutControl } from './rolloutControls';
import type { VersionState } from './state';

export type { Decision, Facts } from './decision';

/**
 * The next state, effects and audit entries for one event (see the file's header).
 *
 * @example
 *   decide(state, dueEvent, policy, { lease: null, alarms }, now).next?.phase; // 'rolling_out'
 */
export function decide(
  state: VersionState | null,
  event: PromotionEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision {
  // A version that passes here is also copied to the policy's next environment (copyDecision.ts).
  return withCopyRequest(state, decideEvent(state, event, policy, facts, now), policy, now);
}

function decideEvent(
  state: VersionState | null,
  event: PromotionEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision {
  // A recorded promotion is finished first, whatever event brought Baton back to the version.
  if (state?.phase === Phase.Promoting && policy)
    return finishPromotion(state, policy, businessKey(event), now);
  if (event.type === 'decision') return decideApproval(state, event, policy, facts, now);
  if (event.type === 'due') return decideDue(state, event, policy, facts, now);
  if (event.type === 'alert') return decideAlert(state, event, policy, facts, now);
  if (event.type === 'control') {
    if (event.action === 'copy') return decideCopyByHand(state, event, policy, facts, now);
    return event.action === 'rollback'
      ? decideRollback(state, event, policy, facts, now)
      : decideRolloutControl(state, event, policy, facts, now);
  }
  return decideRegistryEvent(state, event, policy, facts, now);
}
