/**
 * The worker's use case for one event: load what Baton remembers, read the facts the decision
 * needs back from the registry, decide (pure), apply the effects (each idempotent), then store
 * the new state and its audit entries in one conditional transaction. A crash anywhere leaves
 * the message to be redelivered, and the steps converge.
 *
 * @example
 *   const outcome = await processEvent(event, { registry, store, notifier, policyFor, now: () => new Date() });
 *   outcome.phase; // 'validated'
 */
import type { PromotionEvent } from '../../events/promotionEvent';
import type { ValidationFacts } from '../domain/checks';
import { decide, type Facts, isChampionAliasEvent, needsValidationFacts } from '../domain/decide';
import type { Effect } from '../domain/effects';
import { Phase } from '../domain/phases';
import type { Policy } from '../domain/policy';
import type { ApprovalLinks } from './approvalLinks';
import type { ModelRegistry, Notifier, PromotionStore, Responder } from './ports';

export interface PromotionDeps {
  registry: ModelRegistry;
  store: PromotionStore;
  notifier: Notifier;
  /** Answers the person behind a decision (Slack's response_url); a null object where there is none. */
  responder?: Responder;
  /** Signed review links for e-mail approvers, added to approval requests. */
  approvalLinks?: ApprovalLinks;
  policyFor(model: string): Policy | undefined;
  now(): Date;
}

/** The version is not ready in the registry yet; the message is retried later. */
export class VersionNotReadyError extends Error {
  constructor(model: string, version: string, reason: string) {
    super(`${model} v${version}: ${reason}; will retry`);
    this.name = 'VersionNotReadyError';
  }
}

export interface Outcome {
  /** The phase stored, or null when the event changed nothing. */
  phase: string | null;
  effects: number;
}

/** Reads the version, its run, and the champion with its run: everything the checks need. */
export async function gatherValidationFacts(
  registry: ModelRegistry,
  model: string,
  version: string,
  policy: Policy,
): Promise<ValidationFacts | null> {
  const [candidate, championVersion] = await Promise.all([
    registry.getModelVersion(model, version),
    registry.getModelVersionByAlias(model, policy.aliases.champion),
  ]);
  if (!candidate) return null;
  const wantsChampionRun =
    championVersion !== null &&
    championVersion.version !== version &&
    policy.checks.compareToChampion !== undefined;
  const [run, championRun] = await Promise.all([
    candidate.runId ? registry.getRun(candidate.runId) : null,
    wantsChampionRun && championVersion.runId ? registry.getRun(championVersion.runId) : null,
  ]);
  return {
    version: candidate,
    run,
    champion: championVersion ? { version: championVersion, run: championRun } : null,
  };
}

async function apply(effect: Effect, event: PromotionEvent, deps: PromotionDeps): Promise<void> {
  switch (effect.type) {
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
      return deps.responder?.respond(effect.url, effect.text, effect.replace);
    case 'notify': {
      const n = effect.notification;
      if (n.kind !== 'approval.requested') return deps.notifier.publish(n);
      const links = deps.approvalLinks?.linksFor(n) ?? {};
      return deps.notifier.publish(Object.keys(links).length ? { ...n, links } : n);
    }
    case 'retryLater':
      throw new VersionNotReadyError(event.model, event.version ?? '?', effect.reason);
  }
}

/** Baton's champion (the version it last promoted) and the version the registry shows now. */
async function championFacts(deps: PromotionDeps, model: string, policy: Policy) {
  const [expected, holder] = await Promise.all([
    deps.store.getChampion(model),
    deps.registry.getModelVersionByAlias(model, policy.aliases.champion),
  ]);
  const ofRecord = expected === null ? null : await deps.store.getVersion(model, expected);
  return { ofRecord, holder: holder?.version ?? null };
}

/** Which versions hold the champion and challenger aliases: what an approval decision needs. */
async function aliasFacts(registry: ModelRegistry, model: string, policy: Policy) {
  const [champion, challenger] = await Promise.all([
    registry.getModelVersionByAlias(model, policy.aliases.champion),
    registry.getModelVersionByAlias(model, policy.aliases.challenger),
  ]);
  return { champion: champion?.version ?? null, challenger: challenger?.version ?? null };
}

export async function processEvent(event: PromotionEvent, deps: PromotionDeps): Promise<Outcome> {
  const policy = deps.policyFor(event.model);
  const version = event.version;
  let state = version === undefined ? null : await deps.store.getVersion(event.model, version);
  const facts: Facts = {};
  if (needsValidationFacts(state, event, policy)) {
    facts.validation = await gatherValidationFacts(deps.registry, event.model, version!, policy!);
  }
  if (isChampionAliasEvent(event, policy)) facts.champion = await championFacts(deps, event.model, policy!);
  if (event.type === 'decision' && policy && state?.phase === Phase.AwaitingApproval) {
    facts.aliases = await aliasFacts(deps.registry, event.model, policy);
  }
  let effects = 0;
  // A decision may record an intent and ask to be decided again on it (a promotion): at most twice.
  for (let round = 0; round < 3; round++) {
    const decision = decide(state, event, policy, facts, deps.now());
    // In order: the PENDING tag before the checks, the verdict before the alias, the notice last.
    for (const effect of decision.effects) await apply(effect, event, deps);
    effects += decision.effects.length;
    // Every decision writes the revision after the one it read: the write is conditional on that.
    if (decision.next)
      await deps.store.saveVersion(decision.next, decision.next.revision - 1, decision.audit);
    if (!decision.again || !decision.next) return { phase: decision.next?.phase ?? null, effects };
    state = decision.next;
  }
  return { phase: state?.phase ?? null, effects };
}
