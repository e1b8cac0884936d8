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
import { type AlertEvent, type PromotionEvent, unroutedAlertsGroup } from '../../events/promotionEvent';
import { episodeKey, routeAlert } from '../domain/alerts';
import { comparisonOf, type ValidationFacts } from '../domain/checks';
import { decide, type Facts, isChampionAliasEvent, needsValidationFacts } from '../domain/decide';
import type { Effect, EndpointKind } from '../domain/effects';
import type { PeopleDirectory } from '../domain/people';
import { Phase } from '../domain/phases';
import type { Policy } from '../domain/policy';
import { shiftsTraffic } from '../domain/rollout';
import type { VersionState } from '../domain/state';
import type { AlarmReader } from '../monitoring/ports';
import type { EventQueue } from '../queue/eventQueue';
import type { RetrainTrigger } from '../retrain/ports';
import type { ServingEndpoint } from '../serving/ports';
import type { ApprovalDelivery } from './approvalLinks';
import type {
  ModelLedger,
  ModelRegistry,
  ModelVersionInfo,
  Notifier,
  PromotionStore,
  Responder,
} from './ports';
import { finaliseEndpoint, shiftTraffic } from './traffic';

export interface PromotionDeps {
  registry: ModelRegistry;
  store: PromotionStore;
  notifier: Notifier;
  /** Answers the person behind a decision (Slack's response_url); a null object where there is none. */
  responder?: Responder;
  /** Sends each approver their own signed review link (never on the broadcast topic). */
  approvalDelivery?: ApprovalDelivery;
  policyFor(model: string): Policy | undefined;
  /** Who is who (the people files loaded with the policies); nobody is known when absent. */
  people?: PeopleDirectory;
  now(): Date;
  /** Model-level records: rollout lease, alerts, retraining, model audit. */
  ledger?: ModelLedger;
  /** The serving adapter for an endpoint kind (a `none` adapter where nothing is served). */
  serving?(kind: EndpointKind): ServingEndpoint;
  alarms?: AlarmReader;
  /** The retraining target a policy names. */
  retrain?(policy: Policy): RetrainTrigger;
  /** The promotion queue, for events a decision hands on (routed alerts, superseding aborts). */
  queue?: EventQueue;
  /** Models alerts may concern: Baton's champions and the policies' exact model names. */
  knownModels?(): Promise<string[]>;
}

export class NotConfiguredError extends Error {
  constructor(what: string) {
    super(`the worker has no ${what} configured`);
    this.name = 'NotConfiguredError';
  }
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new NotConfiguredError(what);
  return value;
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

/**
 * Reads the version, its run, the champion, and the version holding the alias the policy compares
 * with (the champion's by default), with the runs the comparison reads: everything the checks need.
 */
export async function gatherValidationFacts(
  registry: ModelRegistry,
  model: string,
  version: string,
  policy: Policy,
): Promise<ValidationFacts | null> {
  const rule = comparisonOf(policy.checks, policy.aliases.champion);
  const otherAlias = rule && !rule.isChampion ? rule.alias : undefined;
  const [candidate, championVersion, comparedVersion] = await Promise.all([
    registry.getModelVersion(model, version),
    registry.getModelVersionByAlias(model, policy.aliases.champion),
    otherAlias ? registry.getModelVersionByAlias(model, otherAlias) : null,
  ]);
  if (!candidate) return null;
  // Another version's run is read only when the comparison reads it.
  const runOf = (holder: ModelVersionInfo | null, compares: boolean) =>
    compares && holder?.runId && holder.version !== version ? registry.getRun(holder.runId) : null;
  const [run, championRun, comparedRun] = await Promise.all([
    candidate.runId ? registry.getRun(candidate.runId) : null,
    runOf(championVersion, rule?.isChampion === true),
    runOf(comparedVersion, otherAlias !== undefined),
  ]);
  return {
    version: candidate,
    run,
    champion: championVersion ? { version: championVersion, run: championRun } : null,
    ...(otherAlias !== undefined && {
      compared: comparedVersion ? { version: comparedVersion, run: comparedRun } : null,
    }),
  };
}

async function apply(
  effect: Effect,
  event: PromotionEvent,
  policy: Policy | undefined,
  deps: PromotionDeps,
): Promise<void> {
  const traffic = () => ({
    registry: deps.registry,
    serving: need(deps.serving, 'serving adapter'),
    pinned: async (model: string, version: string) => (await deps.store.getVersion(model, version))?.artefact,
  });
  switch (effect.type) {
    case 'takeLease':
      return need(deps.ledger, 'ledger').takeLease(event.model, effect.version, deps.now().toISOString());
    case 'releaseLease':
      return need(deps.ledger, 'ledger').releaseLease(event.model, effect.version);
    case 'shiftTraffic':
      return shiftTraffic(traffic(), event.model, need(policy, 'policy'), effect);
    case 'finaliseEndpoint':
      return finaliseEndpoint(traffic(), event.model, need(policy, 'policy'), effect);
    case 'retrain': {
      const trigger = need(deps.retrain, 'retraining target')(need(policy, 'policy'));
      await trigger.trigger({
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
      const ledger = need(deps.ledger, 'ledger');
      await ledger.recordAlert(event.model, { ...effect, at: deps.now().toISOString() });
      if (effect.retrainedAt) await ledger.recordRetrain(event.model, effect.retrainedAt);
      return;
    }
    case 'audit':
      return need(deps.ledger, 'ledger').appendAudit(effect.entry);
    case 'enqueue':
      return need(deps.queue, 'queue').enqueue(effect.event);
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
      return deps.responder?.respond(effect.url, effect.text, effect.replace);
    case 'notify': {
      const n = effect.notification;
      await deps.notifier.publish(n);
      // The broadcast says who is asked; each approver's link goes to that approver alone.
      if (n.kind === 'approval.requested') await deps.approvalDelivery?.deliver(n);
      return;
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
  return { ofRecord, holder: holder?.version ?? null, holderTags: holder?.tags ?? {} };
}

/** Which versions hold the champion and challenger aliases: what an approval decision needs. */
async function aliasFacts(registry: ModelRegistry, model: string, policy: Policy) {
  const [champion, challenger] = await Promise.all([
    registry.getModelVersionByAlias(model, policy.aliases.champion),
    registry.getModelVersionByAlias(model, policy.aliases.challenger),
  ]);
  return { champion: champion?.version ?? null, challenger: challenger?.version ?? null };
}

/** Hands an unrouted alert to every model it concerns (their own queue groups), or records it as unmatched. */
async function routeUnrouted(event: AlertEvent, deps: PromotionDeps): Promise<Outcome> {
  const models = deps.knownModels ? await deps.knownModels() : [];
  const routes = routeAlert(event.alert, models, deps.policyFor);
  for (const route of routes) {
    await need(deps.queue, 'queue').enqueue({
      ...event,
      model: route.model,
      route: { action: route.action, rule: route.rule },
      deliveryId: `${event.deliveryId}>${route.model}`.slice(0, 200),
    });
  }
  if (routes.length === 0) {
    await need(deps.ledger, 'ledger').appendAudit({
      at: deps.now().toISOString(),
      model: unroutedAlertsGroup,
      kind: 'alert.unmatched',
      actor: `alert:${event.alert.source}`,
      cause: event.deliveryId,
      evidence: { alert: event.alert },
    });
  }
  return { phase: null, effects: routes.length };
}

/** The version an alert or a person's control concerns when it names none: the running rollout's, else the champion. */
async function subjectVersion(event: PromotionEvent, deps: PromotionDeps): Promise<string | undefined> {
  if (event.version !== undefined) return event.version;
  if (event.type !== 'alert' && event.type !== 'control') return undefined;
  const rolling = deps.ledger ? await deps.ledger.leaseHolder(event.model) : null;
  return rolling ?? (await deps.store.getChampion(event.model)) ?? undefined;
}

/** Reads what the decision needs about rollouts, alarms, alerts and rollback targets. */
async function gatherOperationalFacts(
  event: PromotionEvent,
  state: VersionState | null,
  policy: Policy,
  deps: PromotionDeps,
  facts: Facts,
): Promise<void> {
  const rollout = state?.rollout;
  if (shiftsTraffic(policy) && deps.ledger && (event.type !== 'alert' || rollout)) {
    facts.lease = await deps.ledger.leaseHolder(event.model);
  }
  if (event.type === 'due' && rollout?.waitingFor !== undefined) {
    facts.currentChampion =
      (await deps.registry.getModelVersionByAlias(event.model, policy.aliases.champion))?.version ?? null;
  }
  const checksStep =
    state?.phase === Phase.RollingOut &&
    (event.type === 'due' || (event.type === 'control' && event.action === 'resume'));
  // Without an alarm reader nothing is reported, which the core treats as no data (a pause).
  if (checksStep && rollout && rollout.alarms.length > 0 && deps.alarms) {
    facts.alarms = await deps.alarms.states(rollout.alarms);
  }
  // Before a pinned version's traffic moves (its rollout starting, or its next step), read its tags
  // now: the core stops the rollout when they no longer resolve to the artefact people approved.
  const startsRollout =
    event.type === 'decision' && event.decision === 'approve' && state?.phase === Phase.AwaitingApproval;
  const promotesNow =
    state?.phase === Phase.RollingOut && event.type === 'control' && event.action === 'promote';
  if (state?.artefact && shiftsTraffic(policy) && (checksStep || startsRollout || promotesNow)) {
    facts.artefactNow = await deps.registry.getModelVersion(event.model, state.version);
  }
  if (event.type === 'alert' && event.route && deps.ledger) {
    const alert = event.alert;
    const history = await deps.ledger.alertHistory(
      event.model,
      `${alert.source}:${alert.fingerprint}`,
      episodeKey(alert),
    );
    facts.alertActed = history.acted;
    facts.recentFirings = history.firings;
    if (event.route.action === 'retrain') facts.lastRetrainAt = await deps.ledger.lastRetrain(event.model);
  }
  const rollsBack =
    state?.phase === Phase.Promoted &&
    ((event.type === 'alert' && event.route?.action === 'rollback') ||
      (event.type === 'control' && event.action === 'rollback'));
  if (rollsBack) {
    const to =
      (event.type === 'control' ? event.to : undefined) ??
      (await deps.registry.getModelVersionByAlias(event.model, policy.aliases.archive))?.version;
    facts.rollbackTarget = to ? { version: to, state: await deps.store.getVersion(event.model, to) } : null;
  }
}

export async function processEvent(event: PromotionEvent, deps: PromotionDeps): Promise<Outcome> {
  if (event.type === 'alert' && !event.route) return routeUnrouted(event, deps);
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
  const facts: Facts = { ...(deps.people && { people: deps.people }) };
  if (policy) await gatherOperationalFacts(event, state, policy, deps, facts);
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
    for (const effect of decision.effects) await apply(effect, event, policy, deps);
    effects += decision.effects.length;
    // Every decision writes the revision after the one it read: the write is conditional on that.
    if (decision.next)
      await deps.store.saveVersion(decision.next, decision.next.revision - 1, decision.audit);
    if (!decision.again || !decision.next) return { phase: decision.next?.phase ?? null, effects };
    state = decision.next;
  }
  return { phase: state?.phase ?? null, effects };
}
