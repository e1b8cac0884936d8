/**
 * How one poll of a model advances its cursor (pure): every version above the cursor is queued,
 * lowest first, up to the tick's remaining allowance; the cursor moves only past what was queued,
 * so a burst is never truncated (the rest is queued on the next tick) and a re-poll never queues
 * a version twice. On a model's first poll, versions registered before the initial lookback
 * predate Baton and are left alone, as the reconciler does; a model found by discovery says on its
 * cursor where its first poll starts (`firstPollSinceMs`).
 *
 * @example
 *   selectNewVersions({ model: 'm', cursor: { model: 'm', version: 3, lastActivityMs: 0, lastPolledMs: 0 },
 *     read: [{ version: '5', creationTimestamp: 9 }, { version: '4', creationTimestamp: 8 }], now: 10, limit: 10 });
 *   // { toQueue: [v4, v5], next: { version: 5, lastActivityMs: 9, lastPolledMs: 10, … } }
 */
import type { PollCursor, PolledVersion } from './pollPorts';

/** On a first poll, versions older than this are left alone (default 1 h). */
export const defaultInitialLookbackMs = 3_600_000;

export interface SelectInput {
  model: string;
  /** null: the model was never polled. */
  cursor: PollCursor | null;
  /** Every version the poll read (any order, duplicates allowed across pages). */
  read: readonly PolledVersion[];
  now: number;
  /** How many versions this poll may queue (what is left of the tick's allowance). */
  limit: number;
  initialLookbackMs?: number;
}

export interface Selection {
  /** The versions to queue, lowest number first. */
  toQueue: PolledVersion[];
  /** The cursor once every one of them is queued. */
  next: PollCursor;
}

const numberOf = (v: PolledVersion) => Number(v.version);

/**
 * The cursor a poll starts from: the stored one, or on a first poll the highest version registered
 * before the lookback (those predate Baton).
 *
 * @example
 *   startingPoint(null, [{ version: '2', creationTimestamp: 0 }], 7_200_000); // 2
 */
export function startingPoint(
  cursor: PollCursor | null,
  read: readonly PolledVersion[],
  cutoff: number,
): number {
  if (cursor && !isFirstPoll(cursor)) return cursor.version;
  const since = firstPollCutoff(cursor, cutoff);
  return Math.max(0, ...read.filter((v) => v.creationTimestamp < since).map(numberOf));
}

/** A discovered model's cursor before its first poll: it says where its first poll starts. */
function isFirstPoll(cursor: PollCursor): boolean {
  return cursor.lastPolledMs === null && cursor.firstPollSinceMs !== undefined;
}

/** Before this (ms), a first poll leaves versions alone: the discovered model's own, else the lookback. */
function firstPollCutoff(cursor: PollCursor | null, cutoff: number): number {
  return cursor?.firstPollSinceMs ?? cutoff;
}

/**
 * The versions above the cursor, lowest first and each once, the part of them this poll queues, and
 * the cursor after queueing them.
 *
 * @example
 *   selectNewVersions({ model: 'm', cursor: null, read: [], now: 0, limit: 5 }).toQueue; // []
 */
export function selectNewVersions(input: SelectInput): Selection {
  const cutoff = input.now - (input.initialLookbackMs ?? defaultInitialLookbackMs);
  const from = startingPoint(input.cursor, input.read, cutoff);
  const above = new Map<number, PolledVersion>();
  for (const v of input.read) {
    const n = numberOf(v);
    if (Number.isInteger(n) && n > from) above.set(n, v);
  }
  const ascending = [...above.entries()].sort(([a], [b]) => a - b);
  const queued = ascending.slice(0, Math.max(0, input.limit));
  const newest = Math.max(...input.read.map((v) => v.creationTimestamp));
  const lastActivityMs = Number.isFinite(newest)
    ? Math.max(newest, input.cursor?.lastActivityMs ?? newest)
    : (input.cursor?.lastActivityMs ?? null);
  return {
    toQueue: queued.map(([, v]) => v),
    next: {
      model: input.model,
      version: queued.length > 0 ? queued[queued.length - 1]![0] : from,
      lastActivityMs,
      lastPolledMs: input.now,
    },
  };
}

/**
 * Whether a newest-first page reaches what the cursor already covers (or on a first poll, the
 * lookback), so the pages after it hold nothing new.
 *
 * @example
 *   reachesCursor([{ version: '3', creationTimestamp: 0 }], { version: 3 } as PollCursor, 0); // true
 */
export function reachesCursor(
  page: readonly PolledVersion[],
  cursor: PollCursor | null,
  cutoff: number,
): boolean {
  if (cursor && !isFirstPoll(cursor)) return page.some((v) => numberOf(v) <= cursor.version);
  const since = firstPollCutoff(cursor, cutoff);
  return page.some((v) => v.creationTimestamp < since);
}
