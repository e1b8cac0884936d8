/**
 * The entries that moved `champion` (the timeline's only input), kept per model for the life of a
 * warm sandbox: the first page view reads them all (DynamoDB filters the model's audit trail),
 * later ones only those from shortly before the previous read on. The overlap covers an entry
 * written a little after its own time (a worker finishing late): the trail only grows, and an entry
 * is never written later than a worker's timeout after its time.
 * Those later moves usually need no read of their own: the model page reads the newest page of
 * history anyway, and when that page reaches back past the overlap it holds every entry since, so
 * the moves are picked from it (the page then costs two table queries, not three).
 *
 * @example
 *   const moves = championMovesCache(reader, () => new Date());
 *   await moves('fraud'); // every move; the next call reads the last quarter hour's only
 *   await moves('fraud', reader.auditPage('fraud', 50)); // those picked from the page when it reaches back
 */
import type { DashboardReader, NewestFirst } from '../../domain/dashboardPorts';
import type { AuditEntry } from '../../domain/state';
import { championMoveKinds } from './championPeriods';

/** Longer than any function's timeout (the worker's is minutes), so no late entry is missed. */
export const movesOverlapMs = 15 * 60_000;

const moveKinds: ReadonlySet<string> = new Set(championMoveKinds);

/**
 * The moves at or after `since`, oldest first, from the newest history page when it holds every
 * entry from then on (it is the whole trail, or its oldest entry is older), else read.
 */
async function movesSince(
  reader: Pick<DashboardReader, 'auditWhere'>,
  model: string,
  since: string,
  newest: Promise<NewestFirst<AuditEntry>> | undefined,
): Promise<AuditEntry[]> {
  const page = newest && (await newest);
  const oldest = page?.items.at(-1);
  if (page && (page.older === undefined || (oldest !== undefined && oldest.at < since))) {
    return page.items.filter((e) => e.at >= since && moveKinds.has(e.kind)).reverse();
  }
  return reader.auditWhere(model, { kinds: championMoveKinds, since });
}

/**
 * `newest`, when given, is the model's newest page of history (no cursor), being read anyway.
 *
 * @example
 *   const moves = championMovesCache(reader, () => new Date());
 *   await moves('fraud', reader.auditPage('fraud', 50));
 */
export function championMovesCache(
  reader: Pick<DashboardReader, 'auditWhere'>,
  now: () => Date,
): (model: string, newest?: Promise<NewestFirst<AuditEntry>>) => Promise<AuditEntry[]> {
  const kept = new Map<string, { readAt: number; entries: AuditEntry[] }>();
  return async (model, newest) => {
    const readAt = now().getTime();
    const before = kept.get(model);
    if (!before) {
      // Cold: every move, read at once (not after the page: the two are independent).
      const entries = await reader.auditWhere(model, { kinds: championMoveKinds });
      kept.set(model, { readAt, entries });
      return entries;
    }
    const since = new Date(before.readAt - movesOverlapMs).toISOString();
    const fresh = await movesSince(reader, model, since, newest);
    const entries = [...before.entries.filter((e) => e.at < since), ...fresh];
    kept.set(model, { readAt, entries });
    return entries;
  };
}
