/**
 * The champion alias is Baton's to move. A change Baton did not make (seen through
 * `model_version_alias.*` webhooks or the reconciler) is recorded in the audit trail and
 * announced; with `protectChampion: revert` Baton also puts its champion back. Pure.
 *
 * @example
 *   decideChampionChange(aliasEvent, policy, { ofRecord, holder: '5' }, now);
 */
import { businessKey, type RegistryEvent } from '../../events/promotionEvent';
import type { Decision } from './decide';
import type { Effect } from './effects';
import type { Policy } from './policy';
import type { VersionState } from './state';

export interface ChampionFacts {
  /** Baton's champion: the version it last promoted, with its record; null when none. */
  ofRecord: VersionState | null;
  /** The version the registry shows holding the alias now; null when it is unset. */
  holder: string | null;
}

export function decideChampionChange(
  event: RegistryEvent,
  policy: Policy,
  facts: ChampionFacts,
  now: Date,
): Decision {
  const expected = facts.ofRecord?.version ?? null;
  // Baton's own move (or the alias already back where Baton put it): nothing to say.
  if (facts.holder === expected) return { next: null, effects: [], audit: [] };
  const revert = policy.protectChampion === 'revert' && expected !== null;
  const shown = facts.holder ?? '-';
  const effects: Effect[] = [
    ...(revert ? [{ type: 'setAlias', alias: policy.aliases.champion, version: expected! } as Effect] : []),
    {
      type: 'notify',
      notification: {
        kind: 'champion.changed',
        model: event.model,
        version: shown,
        expected,
        reverted: revert,
        idempotencyKey: `champion-changed:${businessKey(event)}:${event.occurredAt}`,
      },
    },
  ];
  // The audit entry goes with Baton's champion's record (there is no other record to attach it to).
  const record = facts.ofRecord;
  if (!record) return { next: null, effects, audit: [] };
  return {
    next: { ...record, revision: record.revision + 1, updatedAt: now.toISOString() },
    effects,
    audit: [
      {
        at: now.toISOString(),
        model: event.model,
        version: record.version,
        kind: 'champion.changed_externally',
        actor: 'unknown (outside Baton)',
        cause: businessKey(event),
        evidence: { from: expected, to: facts.holder, reverted: revert },
      },
    ],
  };
}
