/**
 * Reads back what one decision needs from the registry, the store and monitoring, and nothing
 * else: registry payloads are thin, so the worker fetches the version, runs, champion, lease,
 * alarms and alert history before the pure core decides. Which facts a decision needs is said
 * once, by lib/domain's `factsNeeded`; this file only knows how to read each one.
 *
 * @example
 *   const facts = await gatherFacts(event, state, policy, deps);
 *   facts.validation?.version.version; // '7'
 */
import type { PromotionEvent } from '../../events/promotionEvent';
import { comparisonOf, type ValidationFacts } from '../domain/checks';
import type { Facts } from '../domain/decision';
import { type FactsNeeded, factsNeeded } from '../domain/factsNeeded';
import type { Policy } from '../domain/policy';
import type { ModelRegistry, ModelVersionInfo } from '../domain/ports';
import type { VersionState } from '../domain/state';
import type { PromotionDeps } from './promotionDeps';

/**
 * Reads the version, its run, the champion, and the version holding the alias the policy compares
 * with (the champion's by default), with the runs the comparison reads: everything the checks need.
 *
 * @example
 *   const facts = await gatherValidationFacts(registry, 'fraud', '7', policy);
 *   facts?.champion?.version.version; // '6'
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

/** The version a rollback goes to (the one a person named, else the alias's holder) and its record. */
async function rollbackTarget(
  model: string,
  target: NonNullable<FactsNeeded['rollbackTarget']>,
  deps: PromotionDeps,
) {
  const to =
    'version' in target
      ? target.version
      : (await deps.registry.getModelVersionByAlias(model, target.alias))?.version;
  return to ? { version: to, state: await deps.store.getVersion(model, to) } : null;
}

/**
 * Reads exactly the facts `factsNeeded` names, all at once: they are independent reads (none
 * depends on another's answer), so a decision waits for the slowest of them rather than their
 * sum, and a redelivered event reads the same things. The event is the one decided on: an alert or
 * control that named no version already carries its subject.
 *
 * @example
 *   const facts = await gatherFacts(dueEvent, rollingOutState, policy, deps);
 *   facts.alarms; // [{ name: 'fraud-prod-5xx', state: 'OK' }]
 */
export async function gatherFacts(
  event: PromotionEvent,
  state: VersionState | null,
  policy: Policy | undefined,
  deps: PromotionDeps,
): Promise<Facts> {
  const facts: Facts = { people: deps.people };
  const needed = factsNeeded(state, event, policy);
  if (!policy) return facts;
  const model = event.model;
  // How the version's artefact is pinned and compared: the rules of the policy's serving kind.
  if (needed.artefactNow || needed.validation) facts.artefactSpec = deps.artefactSpec(policy);
  const reads: Promise<void>[] = [];
  const read = <T>(value: Promise<T>, keep: (value: T) => void) => reads.push(value.then(keep));
  if (needed.lease) read(deps.ledger.leaseHolder(model), (v) => (facts.lease = v));
  if (needed.currentChampion)
    read(
      deps.registry.getModelVersionByAlias(model, policy.aliases.champion),
      (v) => (facts.currentChampion = v?.version ?? null),
    );
  if (needed.alarms) read(deps.alarms.states(needed.alarms), (v) => (facts.alarms = v));
  if (needed.canaryMetrics)
    read(
      deps.canaryMetrics.read({ ...needed.canaryMetrics, to: deps.now().toISOString() }),
      (v) => (facts.canaryMetrics = v),
    );
  if (needed.artefactNow)
    read(deps.registry.getModelVersion(model, needed.artefactNow.version), (v) => (facts.artefactNow = v));
  if (needed.alertHistory) {
    const { fingerprint, episode, lastRetrain } = needed.alertHistory;
    read(deps.ledger.alertHistory(model, fingerprint, episode), (history) => {
      facts.alertActed = history.acted;
      facts.recentFirings = history.firings;
    });
    if (lastRetrain) read(deps.ledger.lastRetrain(model), (v) => (facts.lastRetrainAt = v));
  }
  if (needed.rollbackTarget)
    read(rollbackTarget(model, needed.rollbackTarget, deps), (v) => (facts.rollbackTarget = v));
  if (needed.validation)
    read(
      gatherValidationFacts(deps.registry, model, needed.validation.version, policy),
      (v) => (facts.validation = v),
    );
  if (needed.champion) read(championFacts(deps, model, policy), (v) => (facts.champion = v));
  if (needed.aliases) read(aliasFacts(deps.registry, model, policy), (v) => (facts.aliases = v));
  await Promise.all(reads);
  return facts;
}
