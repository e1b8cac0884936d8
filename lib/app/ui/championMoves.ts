/**
 * The entries that moved `champion` (the timeline's only input), kept per model for the life of a
 * warm sandbox: the first page view reads them all (DynamoDB filters the model's audit trail),
 * later ones only those from shortly before the previous read on. The overlap covers an entry
 * written a little after its own time (a worker finishing late): the trail only grows, and an entry
 * is never written later than a worker's timeout after its time.
 *
 * @example
 *   const moves = championMovesCache(reader, () => new Date());
 *   await moves('fraud'); // every move; the next call reads the last quarter hour's only
 */
import type { DashboardReader } from '../../domain/dashboardPorts';
import type { AuditEntry } from '../../domain/state';
import { championMoveKinds } from './championPeriods';

/** Longer than any function's timeout (the worker's is minutes), so no late entry is missed. */
export const movesOverlapMs = 15 * 60_000;

export function championMovesCache(
  reader: Pick<DashboardReader, 'auditWhere'>,
  now: () => Date,
): (model: string) => Promise<AuditEntry[]> {
  const kept = new Map<string, { readAt: number; entries: AuditEntry[] }>();
  return async (model) => {
    const readAt = now().getTime();
    const before = kept.get(model);
    const since = before ? new Date(before.readAt - movesOverlapMs).toISOString() : undefined;
    const fresh = await reader.auditWhere(model, { kinds: championMoveKinds, ...(since && { since }) });
    const entries = since ? [...before!.entries.filter((e) => e.at < since), ...fresh] : fresh;
    kept.set(model, { readAt, entries });
    return entries;
  };
}
