/**
 * Answers from the audit trail: which version held `champion` at a moment, and a readable
 * timeline of every decision with its actor and evidence. Pure.
 *
 * @example
 *   championAt(audit, new Date('2026-11-17T14:03:00Z')); // { version: '7', since: '…', approvedBy: […] } | null
 */
import type { AuditEntry } from './state';

/** Audit kinds that move the champion alias, and the version they leave holding it. */
const championMoves: Record<string, (entry: AuditEntry) => string | undefined> = {
  'promotion.completed': (e) => e.version,
  'rollback.completed': (e) => (typeof e.evidence.to === 'string' ? e.evidence.to : undefined),
  // After lost state: the holder Baton promoted, adopted as its champion (lib/domain/adopt.ts).
  'state.adopted': (e) => (e.evidence.champion === true ? e.version : undefined),
};

interface ChampionAt {
  version: string;
  since: string;
  by: string;
  kind: string;
  /** The verified copy that brought this binary here or took it on (environments), when there was one. */
  binary?: string;
}

/**
 * The version that held the champion alias at `at`, by the audit trail; null before the first promotion.
 *
 * @example
 *   championAt(audit, new Date('2026-11-17T14:03:00Z'))?.version; // '7'
 */
export function championAt(audit: readonly AuditEntry[], at: Date): ChampionAt | null {
  let current: ChampionAt | null = null;
  const copies = new Map<string, string>();
  for (const entry of [...audit].sort((a, b) => a.at.localeCompare(b.at))) {
    if (Date.parse(entry.at) > at.getTime()) break;
    if (entry.kind === 'copy.completed' && entry.version && typeof entry.evidence.binary === 'string')
      copies.set(entry.version, entry.evidence.binary);
    const move = championMoves[entry.kind];
    const version = move?.(entry);
    if (version) current = { version, since: entry.at, by: entry.actor, kind: entry.kind };
  }
  const binary = current && copies.get(current.version);
  return current && binary ? { ...current, binary } : current;
}

/**
 * One line of an entry's evidence: failed checks, the previous champion, a refusal's reason, …
 *
 * @example
 *   evidenceSummary(entry); // 'failed: val_auc 0.71 < 0.80'
 */
export function evidenceSummary(entry: AuditEntry): string {
  return summary(entry);
}

function summary(entry: AuditEntry): string {
  const e = entry.evidence as Record<string, unknown>;
  if (Array.isArray(e.checks)) {
    const checks = e.checks as Array<{ passed: boolean; reason: string }>;
    const failed = checks.filter((c) => !c.passed).map((c) => c.reason);
    return failed.length ? `failed: ${failed.join('; ')}` : `${checks.length} checks passed`;
  }
  if (entry.kind === 'state.adopted') {
    return `adopted ${e.phase} from the registry's tags${e.champion === true ? ' (champion)' : ''}; nothing moved`;
  }
  if (entry.kind === 'promotion.completed') {
    return `previous champion ${e.previousChampion ? `v${e.previousChampion} → archive` : 'none'}`;
  }
  // A person's refused decision or control (lib/domain/answers.ts): what was asked, and why not.
  if (e.outcome === 'refused' && typeof e.message === 'string') {
    const asked = e.action ?? e.decision;
    return typeof asked === 'string' ? `${asked}: ${e.message}` : e.message;
  }
  // A verified copy between environments (lib/app/copyVersion.ts): "binary of … promoted to …, digest …".
  if (typeof e.binary === 'string') return e.binary;
  if (typeof e.reason === 'string') return e.reason;
  if (Array.isArray(e.approvers))
    return `approvers: ${(e.approvers as string[]).join(', ')}; expires ${e.expiresAt}`;
  return '';
}

/**
 * One line per audit entry, oldest first.
 *
 * @example
 *   timeline(audit)[0]; // '2026-11-17T14:00:00.000Z  v7  validation.passed  by baton  …'
 */
export function timeline(audit: readonly AuditEntry[]): string[] {
  return [...audit]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((e) =>
      [e.at, e.version ? `v${e.version}` : '-', e.kind, `by ${e.actor}`, summary(e)]
        .filter(Boolean)
        .join('  '),
    );
}
