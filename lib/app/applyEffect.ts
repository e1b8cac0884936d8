/**
 * Carries out one effect of a decision against the registry, the store, the serving endpoint, the
 * queue and the notifiers. Every effect is idempotent (a redelivered event applies it again
 * harmlessly), so the worker may crash between any two of them. The subject is the version the
 * decision is about: the event, or the stored record whose effects are still to apply.
 *
 * @example
 *   await applyEffect({ type: 'setAlias', alias: 'challenger', version: '7' }, event, policy, deps);
 */
import type { Effect } from '../domain/effects';
import type { Policy } from '../domain/policy';
import { PromotionError, VersionNotReadyError } from './errors';
import type { PromotionDeps } from './promotionDeps';
import { finaliseEndpoint, shiftTraffic } from './traffic';

/** Whom an effect concerns: the model, and the version the decision was about (if any). */
export interface EffectSubject {
  model: string;
  version?: string | undefined;
}

/** A traffic or retraining effect came for a model without a policy: the core never emits one. */
function policyOf(policy: Policy | undefined, effect: Effect): Policy {
  if (!policy) throw new PromotionError(`a ${effect.type} effect needs the model's policy`);
  return policy;
}

/**
 * @example
 *   await applyEffect({ type: 'retryLater', reason: 'no run yet' }, event, policy, deps); // throws VersionNotReadyError
 */
export async function applyEffect(
  effect: Effect,
  event: EffectSubject,
  policy: Policy | undefined,
  deps: PromotionDeps,
): Promise<void> {
  const traffic = {
    registry: deps.registry,
    serving: deps.serving,
    pinned: async (model: string, version: string) => (await deps.store.getVersion(model, version))?.artefact,
  };
  switch (effect.type) {
    case 'takeLease':
      return deps.ledger.takeLease(event.model, effect.version, deps.now().toISOString());
    case 'releaseLease':
      return deps.ledger.releaseLease(event.model, effect.version);
    case 'shiftTraffic':
      return shiftTraffic(traffic, event.model, policyOf(policy, effect), effect);
    case 'finaliseEndpoint':
      return finaliseEndpoint(traffic, event.model, policyOf(policy, effect), effect);
    case 'retrain': {
      await deps.retrain(policyOf(policy, effect)).trigger({
        model: event.model,
        ...(event.version !== undefined && { version: event.version }),
        reason: effect.reason,
        ...(effect.alert && { alert: effect.alert }),
        requestedAt: deps.now().toISOString(),
        idempotencyKey: effect.idempotencyKey,
      });
      return;
    }
    case 'recordAlert': {
      await deps.ledger.recordAlert(event.model, { ...effect, at: deps.now().toISOString() });
      if (effect.retrainedAt) await deps.ledger.recordRetrain(event.model, effect.retrainedAt);
      return;
    }
    case 'audit':
      return deps.ledger.appendAudit(effect.entry);
    case 'enqueue':
      return deps.queue.enqueue(effect.event);
    case 'setTag':
      return deps.registry.setModelVersionTag(event.model, effect.version, effect.key, effect.value);
    case 'setTags':
      await Promise.all(
        Object.entries(effect.tags).map(([key, value]) =>
          deps.registry.setModelVersionTag(event.model, effect.version, key, value),
        ),
      );
      return;
    case 'setAlias':
      return deps.registry.setAlias(event.model, effect.alias, effect.version);
    case 'deleteAlias': {
      // Only while it still points at this version: a newer challenger keeps its alias.
      const holder = await deps.registry.getModelVersionByAlias(event.model, effect.alias);
      if (holder?.version === effect.version) await deps.registry.deleteAlias(event.model, effect.alias);
      return;
    }
    case 'recordChampion':
      if (effect.ifNone && (await deps.store.getChampion(event.model)) !== null) return;
      return deps.store.setChampion(event.model, effect.version, deps.now().toISOString());
    case 'recordPhase': {
      const other = await deps.store.getVersion(event.model, effect.version);
      if (!other || other.phase === effect.phase) return;
      const next = {
        ...other,
        phase: effect.phase,
        revision: other.revision + 1,
        updatedAt: deps.now().toISOString(),
      };
      return deps.store.saveVersion(next, other.revision, []);
    }
    case 'respond':
      return deps.responder.respond(effect.url, effect.text, effect.replace);
    case 'notify': {
      const n = effect.notification;
      await deps.notifier.publish(n);
      // The broadcast says who is asked; each approver's link goes to that approver alone.
      if (n.kind === 'approval.requested') await deps.approvalDelivery.deliver(n);
      return;
    }
    case 'copyVersion':
      // The copier function carries it out (lib/app/copyJob.ts): a copy may take many minutes.
      return deps.copies.request({ effect, sourceModel: event.model });
    case 'retryLater':
      throw new VersionNotReadyError(event.model, event.version ?? '?', effect.reason);
  }
}
