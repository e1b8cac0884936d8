/**
 * What every decider returns and what it may read: the `Decision` (next state, effects, audit)
 * and the `Facts` read from the world before deciding, with the small builders every sub-decider
 * uses. Its own file so that decide.ts and the sub-deciders it dispatches to (approval, rollout,
 * alerts, adoption, the protected champion) all import it without importing one another in a
 * circle. Which facts an event needs is said in one place: factsNeeded.ts.
 *
 * @example
 *   if (!policy) return nothing;
 *   return { next: advance(state, now, { phase: Phase.Expired }), effects: [], audit: [] };
 */

import type { CanaryMetrics } from './analysisPorts';
import type { ValidationFacts } from './checks';
import type { Effect } from './effects';
import type { PeopleDirectory } from './people';
import type { ArtefactSpec, VersionFiles } from './servingPorts';
import type { AuditEntry, VersionState } from './state';

export interface Decision {
  /** The state to store, or null when nothing changes. */
  next: VersionState | null;
  effects: Effect[];
  /** Stored in the same transaction as `next`. */
  audit: AuditEntry[];
  /** Store `next`, then decide again on it (a recorded intent to finish, e.g. a promotion). */
  again?: boolean;
}

/** The decision that changes nothing: no state, no effect, no record. */
export const nothing: Decision = { next: null, effects: [], audit: [] };

/** What a rollout decision reads from the world before deciding. */
export interface RolloutFacts {
  /** Who is who (the people files): an approver is recognised by any of their identities. */
  people?: PeopleDirectory;
  /** The version holding the model's rollout lease (null: free). */
  lease?: string | null;
  /** The version holding the champion alias now (read when a waiting rollout may start). */
  currentChampion?: string | null;
  /** The watched alarms' states, read just before the step decision. */
  alarms?: Array<{ name: string; state: string; reason?: string }>;
  /**
   * The version as the registry shows it now (null: deleted), read before a pinned version's next
   * traffic step: its artefact must still be the one approved (artefact.ts).
   */
  artefactNow?: VersionFiles | null;
  /**
   * The pinned-artefact rules of the policy's serving kind (its adapter's spec, from the wiring's
   * catalog): how validation pins a version's artefact and how `artefactNow` is compared with it.
   * gatherFacts reads it with the validation facts and with `artefactNow`.
   */
  artefactSpec?: ArtefactSpec;
  /** Both variants' metrics over the live step, for the canary analysis (canaryAnalysis.ts). */
  canaryMetrics?: CanaryMetrics;
}

/** What an alert or rollback decision reads from the model's ledger and the registry. */
export interface AlertFacts {
  /** Who is who (the people files): an approver is recognised by any of their identities. */
  people?: PeopleDirectory;
  /** The version holding the model's rollout lease (null: free). */
  lease?: string | null;
  /** This alert episode (fingerprint + start) was already acted on for the model. */
  alertActed?: boolean;
  /** When retraining was last requested for the model (ISO 8601), for the cooldown. */
  lastRetrainAt?: string | null;
  /** Start times (ms) of this alert's firing episodes seen recently, for the "N of M windows" rule. */
  recentFirings?: number[];
  /** The version a rollback would return to, with Baton's record of it (null: no such version). */
  rollbackTarget?: { version: string; state: VersionState | null } | null;
}

/** For a change of the champion alias: Baton's champion and who holds the alias now. */
export interface ChampionFacts {
  /** Baton's champion: the version it last promoted, with its record; null when none. */
  ofRecord: VersionState | null;
  /** The version the registry shows holding the alias now; null when it is unset. */
  holder: string | null;
  /** The holder's tags in the registry (Baton's verdict on it, if any). */
  holderTags?: Record<string, string>;
}

/** Everything a decision may read; each decider reads only its part, factsNeeded.ts names what to fetch. */
export interface Facts extends RolloutFacts, AlertFacts {
  /** Who is who, from the people files; absent means nobody is known (every identity is its own person). */
  people?: PeopleDirectory;
  /** Read for a version that is to be validated; null when it no longer exists in the registry. */
  validation?: ValidationFacts | null;
  /** Which versions hold the champion and challenger aliases now (read for decisions). */
  aliases?: { champion: string | null; challenger: string | null };
  /** For a change of the champion alias: Baton's champion and the alias's holder now. */
  champion?: ChampionFacts;
}

/**
 * The state after one more decision: the next revision (writes are conditional on it), stamped now.
 *
 * @example
 *   advance(state, now, { phase: Phase.Expired, dueAt: undefined }).revision; // state.revision + 1
 */
export function advance(state: VersionState, now: Date, fields: Partial<VersionState>): VersionState {
  return { ...state, revision: state.revision + 1, updatedAt: now.toISOString(), ...fields };
}

/**
 * An audit entry about the version `state` records.
 *
 * @example
 *   versionEntry(state, 'rollout.paused', 'ana@example.com', cause, at, { step: 2 });
 */
export function versionEntry(
  state: VersionState,
  kind: string,
  actor: string,
  cause: string,
  at: string,
  evidence: Record<string, unknown> = {},
): AuditEntry {
  return { at, model: state.model, version: state.version, kind, actor, cause, evidence };
}
