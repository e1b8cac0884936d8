/**
 * What one decision must read from the world before the core decides: the one place that says it.
 * The deciders read `Facts` (decision.ts); this says, for a state, an event and a policy, which of
 * those facts they will look at, as a plain description the worker's fact gathering follows to the
 * letter: it reads what is named here and nothing else, so a registry or ledger call is never made
 * for a decision that ignores its answer. Pure: no I/O, the same inputs always name the same reads.
 *
 * The event is the one the worker decides on: an alert or a person's control that named no
 * version has already been given its subject (the running rollout's version, else the champion).
 *
 * @example
 *   factsNeeded(rollingOutState, dueEvent, policy);
 *   // { lease: true, alarms: ['fraud-prod-5xx'], artefactNow: { version: '7' } }
 */
import { type PromotionEvent, type RegistryEvent, RegistryEventKind } from '../../events/promotionEvent';
import { episodeKey } from './alertRouting';
import type { CanaryMetricsRequest } from './analysisPorts';
import { analysisSeries } from './canaryAnalysis';
import { Phase } from './phases';
import type { Policy } from './policy';
import { shiftsTraffic } from './rolloutSteps';
import type { VersionState } from './state';

/** The reads a decision needs; a read that is absent is not made. */
export interface FactsNeeded {
  /** The version to validate, with its run, the champion and the compared alias's holder, and their runs. */
  validation?: { version: string };
  /** Which versions hold the champion and challenger aliases (an approval decision). */
  aliases?: true;
  /** Baton's champion of record, with its record, and the champion alias's holder with its tags. */
  champion?: true;
  /** The version holding the model's rollout lease. */
  lease?: true;
  /** The version holding the champion alias now (a waiting rollout may start against it). */
  currentChampion?: true;
  /** The states of these watched alarms (a canary step is judged). */
  alarms?: string[];
  /** The version as the registry shows it now (a pinned version's traffic is about to move). */
  artefactNow?: { version: string };
  /** The model's ledger on this alert: whether the episode was acted on, its recent firings, and
   * (`lastRetrain`) when retraining was last requested. */
  alertHistory?: { fingerprint: string; episode: string; lastRetrain: boolean };
  /** The version a rollback would return to, with Baton's record of it: the one a person named,
   * else the one holding `alias` (the policy's archive alias; none holding it: no target). */
  rollbackTarget?: { version: string } | { alias: string };
  /** Both variants' metrics since the live step began (the canary analysis); the reader adds `to` (now). */
  canaryMetrics?: Omit<CanaryMetricsRequest, 'to'>;
}

/**
 * Whether decide needs validation facts for this event: a new version Baton has not decided yet
 * (or recorded as unmanaged before a policy covered it).
 *
 * @example
 *   needsValidationFacts(null, createdEvent, policy); // true
 */
function needsValidationFacts(state: VersionState | null, event: PromotionEvent, policy: Policy | undefined) {
  return (
    event.type === 'registry' &&
    event.kind === RegistryEventKind.ModelVersionCreated &&
    event.version !== undefined &&
    policy !== undefined &&
    (state === null || state.phase === Phase.Registered || state.phase === Phase.Unmanaged)
  );
}

/**
 * A `model_version_alias.*` event about the policy's champion alias.
 *
 * @example
 *   isChampionAliasEvent({ ...aliasCreated, alias: 'champion' }, policy); // true
 */
export function isChampionAliasEvent(
  event: PromotionEvent,
  policy: Policy | undefined,
): event is RegistryEvent {
  return (
    event.type === 'registry' &&
    (event.kind === RegistryEventKind.ModelVersionAliasCreated ||
      event.kind === RegistryEventKind.ModelVersionAliasDeleted) &&
    policy !== undefined &&
    event.alias === policy.aliases.champion
  );
}

/**
 * The reads one decision needs; with no policy, none (the core records the version as unmanaged
 * or refuses, from Baton's own record alone).
 *
 * @example
 *   factsNeeded(null, createdEvent, policy); // { validation: { version: '7' } }
 *   factsNeeded(promotedState, rollbackControl, policy); // { lease: true, rollbackTarget: { alias: 'archive' } }
 */
export function factsNeeded(
  state: VersionState | null,
  event: PromotionEvent,
  policy: Policy | undefined,
): FactsNeeded {
  if (policy === undefined) return {};
  const needed: FactsNeeded = {};
  const rollout = state?.rollout;
  const rolling = state?.phase === Phase.RollingOut;
  // A canary step is judged on a deadline, or when a person resumes a paused rollout.
  const checksStep =
    rolling && (event.type === 'due' || (event.type === 'control' && event.action === 'resume'));
  const startsRollout =
    event.type === 'decision' && event.decision === 'approve' && state?.phase === Phase.AwaitingApproval;
  const promotesNow = rolling && event.type === 'control' && event.action === 'promote';

  // Every canary decision may take, wait for or release the lease; an alert only for a version with a rollout.
  if (shiftsTraffic(policy) && (event.type !== 'alert' || rollout)) needed.lease = true;
  // A rollout waiting for the lease starts against the champion of now.
  if (event.type === 'due' && rollout?.waitingFor !== undefined) needed.currentChampion = true;
  // A step is judged on its watched alarms (none watched: nothing to read).
  if (checksStep && rollout && rollout.alarms.length > 0) needed.alarms = rollout.alarms;
  // A live step with an analysis is judged on both variants' metrics since the step began.
  const analysis = policy.rollout?.analysis;
  if (checksStep && rollout && analysis && rollout.step >= 0 && rollout.stepAt !== undefined) {
    needed.canaryMetrics = {
      model: state.model,
      endpoint: rollout.endpoint,
      kind: rollout.kind,
      challenger: state.version,
      champion: rollout.champion,
      from: rollout.stepAt,
      periodSeconds: 60,
      series: analysisSeries(analysis),
    };
  }
  // Before a pinned version's traffic moves, its tags now: the core stops when they no longer match the approval.
  if (state?.artefact && shiftsTraffic(policy) && (checksStep || startsRollout || promotesNow)) {
    needed.artefactNow = { version: state.version };
  }
  // A routed alert: whether this episode already acted, how often it fired, and the retrain cooldown.
  if (event.type === 'alert' && event.route) {
    const { alert, route } = event;
    needed.alertHistory = {
      fingerprint: `${alert.source}:${alert.fingerprint}`,
      episode: episodeKey(alert),
      lastRetrain: route.action === 'retrain',
    };
  }
  // Rolling a promoted champion back: the version it returns to, and Baton's record of it.
  const rollsBack =
    state?.phase === Phase.Promoted &&
    ((event.type === 'alert' && event.route?.action === 'rollback') ||
      (event.type === 'control' && event.action === 'rollback'));
  if (rollsBack) {
    const to = event.type === 'control' ? event.to : undefined;
    needed.rollbackTarget = to !== undefined ? { version: to } : { alias: policy.aliases.archive };
  }
  // A new version is validated on the registry's facts.
  if (needsValidationFacts(state, event, policy) && event.version !== undefined) {
    needed.validation = { version: event.version };
  }
  // A change of the champion alias is judged against Baton's champion of record.
  if (isChampionAliasEvent(event, policy)) needed.champion = true;
  // An approval is judged against who holds the champion and challenger aliases now.
  if (event.type === 'decision' && state?.phase === Phase.AwaitingApproval) needed.aliases = true;
  return needed;
}
