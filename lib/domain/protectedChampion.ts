/**
 * The champion alias is Baton's to move. A change Baton did not make (seen through
 * `model_version_alias.*` webhooks or the reconciler's sweeps) is one episode per new target of
 * the alias: recorded in the audit trail and announced once, however many sweeps see it; with
 * `protectChampion: revert` Baton also puts its champion back. After lost state (no champion of
 * record) a holder whose tags say Baton promoted it is adopted as the champion, not announced.
 * Pure.
 *
 * @example
 *   decideChampionChange(aliasEvent, policy, { ofRecord, holder: '5' }, now);
 */
import { businessKey, type RegistryEvent } from '../../events/promotionEvent';
import { batonTags } from './adopt';
import type { ChampionFacts, Decision } from './decision';
import { nothing } from './decision';
import type { Effect } from './effects';
import { Phase } from './phases';
import type { Policy } from './policy';

/** MLflow's alias webhooks and registry name nobody; a registry that does would fill this in. */
const unknownMover = 'unknown (outside Baton)';

/**
 * A change of the champion alias, judged against Baton's champion of record.
 *
 * @example
 *   decideChampionChange(aliasDeleted, policy, { ofRecord: championState, holder: null }, now).audit[0]?.kind;
 */
export function decideChampionChange(
  event: RegistryEvent,
  policy: Policy,
  facts: ChampionFacts,
  now: Date,
): Decision {
  const record = facts.ofRecord;
  const expected = record?.version ?? null;
  const at = now.toISOString();

  // Back where Baton put it (Baton's own move, a revert, or a person undoing theirs): the episode, if any, is over.
  if (facts.holder === expected) {
    if (!record?.externalChampion) return nothing;
    const { externalChampion: _over, ...rest } = record;
    return { next: { ...rest, revision: record.revision + 1, updatedAt: at }, effects: [], audit: [] };
  }

  // No champion of record (lost state), and the holder's tags say Baton promoted it: adopt, move nothing.
  const tags = facts.holderTags ?? {};
  if (!record && facts.holder !== null && tags[policy.tags.phase] === Phase.Promoted) {
    return {
      next: null,
      effects: [
        { type: 'recordChampion', version: facts.holder, ifNone: true },
        {
          type: 'audit',
          entry: {
            at,
            model: event.model,
            version: facts.holder,
            kind: 'state.adopted',
            actor: 'baton',
            cause: businessKey(event),
            evidence: { phase: Phase.Promoted, champion: true, tags: batonTags(policy, tags) },
          },
        },
      ],
      audit: [],
    };
  }

  // The same hand move seen again (another sweep, a redelivery): it was recorded and announced once.
  if (record?.externalChampion && record.externalChampion.holder === facts.holder) return nothing;

  // A new episode: the alias has a new target Baton did not choose.
  const revert = policy.protectChampion === 'revert' && expected !== null;
  const effects: Effect[] = [
    ...(revert ? [{ type: 'setAlias', alias: policy.aliases.champion, version: expected! } as Effect] : []),
    {
      type: 'notify',
      notification: {
        kind: 'champion.changed',
        model: event.model,
        version: facts.holder ?? '-',
        expected,
        reverted: revert,
        movedBy: unknownMover,
        // The same on a redelivery of this decision (it reads the same revision), new for the next episode.
        idempotencyKey: `champion-changed:${event.model}:${expected ?? 'none'}>${facts.holder ?? 'none'}:${record?.revision ?? 0}`,
      },
    },
  ];
  // The audit entry and the episode go with Baton's champion's record (there is no other record to attach them to).
  if (!record) return { next: null, effects, audit: [] };
  return {
    next: {
      ...record,
      externalChampion: { holder: facts.holder, at, reverted: revert },
      revision: record.revision + 1,
      updatedAt: at,
    },
    effects,
    audit: [
      {
        at,
        model: event.model,
        version: record.version,
        kind: 'champion.changed_externally',
        actor: unknownMover,
        cause: businessKey(event),
        // Who moved it is the entry's actor.
        evidence: { from: expected, to: facts.holder, reverted: revert },
      },
    ],
  };
}
