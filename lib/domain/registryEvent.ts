/**
 * A registry event: a new version starts the lifecycle (validated once, however often the event is
 * delivered), a model no policy covers is recorded as unmanaged, a verdict Baton's tags record but
 * Baton forgot is adopted, and a change of the champion alias that Baton did not make is recorded
 * (protectedChampion.ts). Tag and alias echoes, often of Baton's own writes, change nothing.
 *
 * @example
 *   decideRegistryEvent(null, createdEvent, policy, { validation }, now).next?.phase; // 'validated'
 */
import { businessKey, type RegistryEvent, RegistryEventKind } from '../../events/promotionEvent';
import { adoptRecordedState } from './adopt';
import type { Decision, Facts } from './decision';
import { nothing } from './decision';
import { isChampionAliasEvent } from './factsNeeded';
import { Phase } from './phases';
import type { Policy } from './policy';
import { decideChampionChange } from './protectedChampion';
import type { VersionState } from './state';
import { decideVerdict, registeredState } from './validation';

/**
 * A registry event for one version (or the champion alias), decided against Baton's record of it.
 *
 * @example
 *   decideRegistryEvent(state, aliasEvent, policy, { champion: { ofRecord, holder: '5' } }, now);
 */
export function decideRegistryEvent(
  state: VersionState | null,
  event: RegistryEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision {
  const at = now.toISOString();
  const cause = businessKey(event);

  // The champion alias moved or vanished: Baton's own move changes nothing, anyone else's is recorded.
  if (isChampionAliasEvent(event, policy) && facts.champion) {
    return decideChampionChange(event, policy!, facts.champion, now);
  }

  // Only a new version starts the lifecycle; tag and alias echoes (often Baton's own writes) change nothing here.
  if (event.kind !== RegistryEventKind.ModelVersionCreated || event.version === undefined) return nothing;

  // Recorded unmanaged, and a policy now governs the model (a policy added while running): decide afresh.
  const newlyGoverned = state?.phase === Phase.Unmanaged && policy !== undefined;

  // Already decided: a redelivery, a retry with a new delivery id or a swept duplicate.
  if (state !== null && state.phase !== Phase.Registered && !newlyGoverned) return nothing;

  // No policy covers the model: record it as unmanaged and leave the registry alone.
  if (policy === undefined) {
    return {
      next: registeredState(event, state, now, { phase: Phase.Unmanaged }),
      effects: [],
      audit: [
        {
          at,
          model: event.model,
          version: event.version,
          kind: 'unmanaged',
          actor: 'baton',
          cause,
          evidence: {},
        },
      ],
    };
  }

  // The version was deleted before Baton got to it: nothing to validate.
  const validation = facts.validation;
  if (!validation) return nothing;

  // Baton's tags already record a verdict Baton has no memory of (lost state): adopt it, write nothing.
  const adopted = adoptRecordedState({ ...event, version: event.version }, state, policy, validation, now);
  if (adopted) return adopted;

  // Still registering: try again later rather than fail a version that is not there yet.
  if (validation.version.status === 'PENDING_REGISTRATION') {
    return {
      next: null,
      effects: [{ type: 'retryLater', reason: 'version is PENDING_REGISTRATION' }],
      audit: [],
    };
  }

  // Registered: the checks decide.
  return decideVerdict(state, event, policy, validation, facts, now);
}
