/**
 * Which version held `champion` when, as periods read from the audit trail (the same moves
 * lib/domain/history.ts `championAt` follows), with rollbacks and hand moves marked. The model
 * page draws these as its timeline.
 *
 * @example
 *   championPeriods(audit, now); // { periods: [{ version: '1', from, to, kind }], marks: [{ at, kind: 'rollback', … }] }
 */
import type { AuditEntry } from '../../domain/state';

/** The audit kinds that can move `champion`: the only entries the timeline needs read. */
export const championMoveKinds = [
  'promotion.completed',
  'rollback.completed',
  'state.adopted',
  'champion.changed_externally',
] as const;

export interface ChampionPeriod {
  version: string;
  from: string;
  /** null: still champion. */
  to: string | null;
  /** The audit kind that started it, and who decided. */
  kind: string;
  by: string;
}

export interface TimelineMark {
  at: string;
  kind: 'rollback' | 'external';
  label: string;
}

/** The version an entry leaves holding `champion`: undefined for no move, null for none. */
function holderAfter(entry: AuditEntry): string | null | undefined {
  const e = entry.evidence;
  if (entry.kind === 'promotion.completed') return entry.version;
  if (entry.kind === 'rollback.completed') return typeof e.to === 'string' ? e.to : undefined;
  if (entry.kind === 'state.adopted') return e.champion === true ? entry.version : undefined;
  // A hand move Baton did not revert: the alias is where the person put it (null: deleted).
  if (entry.kind === 'champion.changed_externally' && e.reverted !== true) {
    return typeof e.to === 'string' ? e.to : null;
  }
  return undefined;
}

function markOf(entry: AuditEntry): TimelineMark | undefined {
  const e = entry.evidence;
  if (entry.kind === 'rollback.completed') {
    return { at: entry.at, kind: 'rollback', label: `rollback to v${String(e.to)} by ${entry.actor}` };
  }
  if (entry.kind === 'champion.changed_externally') {
    const to = typeof e.to === 'string' ? `v${e.to}` : 'nobody';
    const reverted = e.reverted === true ? ', reverted by Baton' : '';
    return { at: entry.at, kind: 'external', label: `moved by hand to ${to}${reverted}` };
  }
  return undefined;
}

/**
 * @example
 *   championPeriods(audit, new Date()).periods.at(-1)?.to; // null: the current champion
 */
export function championPeriods(
  audit: readonly AuditEntry[],
  now: Date,
): { periods: ChampionPeriod[]; marks: TimelineMark[] } {
  const periods: ChampionPeriod[] = [];
  const marks: TimelineMark[] = [];
  const sorted = [...audit].sort((a, b) => a.at.localeCompare(b.at));
  for (const entry of sorted) {
    if (Date.parse(entry.at) > now.getTime()) break;
    const mark = markOf(entry);
    if (mark) marks.push(mark);
    const holder = holderAfter(entry);
    if (holder === undefined) continue;
    const open = periods.at(-1);
    if (open && open.to === null) {
      // The same holder again (a redelivery, an adoption of the holder): one period.
      if (open.version === holder) continue;
      open.to = entry.at;
    }
    if (holder !== null)
      periods.push({ version: holder, from: entry.at, to: null, kind: entry.kind, by: entry.actor });
  }
  return { periods, marks };
}

/**
 * The period holding `champion` at `at`, by the same periods the timeline draws (so clicking the
 * chart answers what it shows, hand moves included); undefined when nobody held it.
 *
 * @example
 *   championAtFrom(periods, new Date('2026-11-17T14:03:00Z'))?.version; // '7'
 */
export function championAtFrom(periods: readonly ChampionPeriod[], at: Date): ChampionPeriod | undefined {
  const t = at.getTime();
  return periods.find((p) => Date.parse(p.from) <= t && (p.to === null || t < Date.parse(p.to)));
}
