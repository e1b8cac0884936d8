/**
 * The registry is the durable record of the verdicts Baton gave. When Baton has no record of a
 * version (a fresh stack, an emptied or restored table) but the version carries Baton's tags,
 * deciding again would replay the past: champion moving back and forth, a rejected version
 * regaining `challenger`. Instead Baton adopts what its tags say: the phase, the checks, who
 * rejected it, and (for a version Baton promoted that still holds the alias) its champion of
 * record. Adoption writes nothing to the registry, moves no alias and tells nobody. Pure.
 *
 * Only settled verdicts are adopted (failed, rejected, expired, superseded, aborted, rolled back,
 * archived, promoted): deciding those again is what replays the past. A version whose tags show a
 * decision still in flight (validated, awaiting approval, rolling out, promoting) is decided again,
 * as after a worker crash between its registry writes and its record: its checks run again (tags
 * never stand in for checks), an approval request keeps its idempotency key, a rollout asks for
 * the lease again, and an auto-promotion moves champion only to a version newer than the champion.
 *
 * @example
 *   const adopted = adoptRecordedState(createdEvent, null, policy, validationFacts, now);
 *   adopted?.next?.phase; // 'rejected', from baton.phase=rejected and baton.rejected_by=carol
 */
import { businessKey, type RegistryEvent } from '../../events/promotionEvent';
import { runChecks, type ValidationFacts } from './checks';
import type { Decision } from './decision';
import type { Effect } from './effects';
import { Phase, ValidationStatus } from './phases';
import type { Policy } from './policy';
import type { AuditEntry, VersionState } from './state';

const phases = new Set<string>(Object.values(Phase));

/** Verdicts that are final, or that people gave: adopted, never decided again. */
const settled = new Set<Phase>([
  Phase.FailedValidation,
  Phase.Rejected,
  Phase.Expired,
  Phase.Superseded,
  Phase.Aborted,
  Phase.RolledBack,
  Phase.Archived,
  Phase.Promoted,
]);

/** Tags Baton writes outside the policy's configurable names (approval.ts, promotion.ts, the rollout*.ts files, rollback.ts). */
const batonTagPrefix = 'baton.';

/**
 * The tags that are Baton's verdicts: the policy's names plus every `baton.*` tag.
 *
 * @example
 *   batonTags(policy, { git_sha: 'abc', 'baton.phase': 'promoted' }); // { 'baton.phase': 'promoted' }
 */
export function batonTags(policy: Policy, tags: Record<string, string>): Record<string, string> {
  const own = new Set([policy.tags.validationStatus, policy.tags.reasons, policy.tags.phase]);
  return Object.fromEntries(
    Object.entries(tags).filter(
      ([key]) => own.has(key) || key.startsWith(policy.tags.checkPrefix) || key.startsWith(batonTagPrefix),
    ),
  );
}

/** The phase Baton's tags record, or null when they record no finished verdict. */
function recordedPhase(policy: Policy, tags: Record<string, string>): Phase | null {
  const status = tags[policy.tags.validationStatus];
  // Crashed mid-validation: no verdict was given, so validating again is the safe answer.
  if (status === ValidationStatus.Pending) return null;
  const tagged = tags[policy.tags.phase];
  if (tagged !== undefined && phases.has(tagged)) return tagged as Phase;
  if (tags['baton.rejected_by'] !== undefined) return Phase.Rejected;
  if (tags['baton.rolled_back_at'] !== undefined || tags['baton.rollback_reason'] !== undefined)
    return Phase.RolledBack;
  if (status === ValidationStatus.Passed) return Phase.Validated;
  if (status === ValidationStatus.Failed) return Phase.FailedValidation;
  return null;
}

/** The check results the `<checkPrefix><id>` tags hold (`PASS: reason` / `FAIL: reason`). */
function recordedChecks(policy: Policy, tags: Record<string, string>) {
  const prefix = policy.tags.checkPrefix;
  return Object.entries(tags)
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, value]) => {
      const match = /^(PASS|FAIL): ?(.*)$/s.exec(value);
      return {
        id: key.slice(prefix.length),
        passed: match?.[1] === 'PASS',
        reason: match?.[2] ?? value,
      };
    });
}

/**
 * Adopts the verdict the version's tags record, or returns null when they record none (no tags,
 * or `validation_status=PENDING` only): then the caller validates the version as new.
 *
 * @example
 *   adoptRecordedState({ ...createdEvent, version: '7' }, null, policy, validation, now)?.next?.phase; // 'promoted'
 */
export function adoptRecordedState(
  event: RegistryEvent & { version: string },
  state: VersionState | null,
  policy: Policy,
  facts: ValidationFacts,
  now: Date,
): Decision | null {
  const tags = facts.version.tags;
  const tagged = recordedPhase(policy, tags);
  // No verdict on record: this is a version to validate, not one to adopt.
  if (tagged === null) return null;

  // A decision still in flight (or Baton's own crash before its record): decide it again.
  if (!settled.has(tagged)) return null;
  // Tags anyone with registry access can write never stand in for checks: a version recorded as
  // having held champion is adopted only if it still passes every check that needs no champion.
  const heldChampion = tagged === Phase.Promoted || tagged === Phase.Archived;
  if (
    heldChampion &&
    !runChecks(policy.checks, { ...facts, champion: null, compared: null }).every((c) => c.passed)
  )
    return null;
  const phase = tagged;
  const at = now.toISOString();
  const checks = recordedChecks(policy, tags);
  const registeredBy = facts.version.userId ?? facts.run?.userId;
  const approvedBy = tags['baton.approved_by'];

  const next: VersionState = {
    model: event.model,
    version: event.version,
    phase,
    revision: (state?.revision ?? 0) + 1,
    updatedAt: at,
    ...(checks.length > 0 && { checks }),
    ...(registeredBy !== undefined && { registeredBy }),
    ...(tags['baton.rejected_by'] !== undefined && { rejectedBy: tags['baton.rejected_by'] }),
    ...(phase === Phase.Promoted &&
      approvedBy !== undefined && {
        promotion: {
          previousChampion: null,
          approvedBy: approvedBy.startsWith('policy ') ? [] : approvedBy.split(', '),
          startedAt: tags['baton.promoted_at'] ?? tags['baton.restored_at'] ?? at,
        },
      }),
  };
  // Baton promoted it and it still holds the alias: it is Baton's champion of record again.
  const champion = phase === Phase.Promoted && facts.version.aliases.includes(policy.aliases.champion);
  const effects: Effect[] = champion
    ? [{ type: 'recordChampion', version: event.version, ifNone: true }]
    : [];
  const audit: AuditEntry = {
    at,
    model: event.model,
    version: event.version,
    kind: 'state.adopted',
    actor: 'baton',
    cause: businessKey(event),
    evidence: {
      phase,
      tags: batonTags(policy, tags),
      aliases: facts.version.aliases,
      champion,
    },
  };
  return { next, effects, audit: [audit] };
}
