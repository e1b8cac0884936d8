/**
 * Which models a page of the registry's model listing adds to the poll intake (pure): the ones a
 * glob policy governs that have no cursor yet. Each gets a first cursor saying where its first poll
 * starts: a model created since the previous discovery pass began is new, so every version it has
 * is new too; an older model (a glob policy that now covers it, or Baton's first pass) keeps the
 * intake's lookback rule, so versions that predate Baton's governance are left alone.
 *
 * @example
 *   discoveredCursors({ listed: [{ name: 'main.fraud.eu', creationTimestamp: 9 }], governs: () => true,
 *     known: new Set(), knownSinceMs: 5, now: 10, lookbackMs: 3 });
 *   // [{ model: 'main.fraud.eu', version: 0, lastActivityMs: null, lastPolledMs: null, firstPollSinceMs: 7 }]
 */
import type { DirectoryProgress, ListedModel, PollCursor } from './pollPorts';

export interface DiscoveryInput {
  listed: readonly ListedModel[];
  /** Whether a policy governs the name (a glob or an exact one). */
  governs(name: string): boolean;
  /** Models that already have a cursor or are managed otherwise. */
  known: ReadonlySet<string>;
  /** Models created at or after this (ms) are new: see knownSince. */
  knownSinceMs: number;
  now: number;
  /** The intake's first-poll lookback (ms). */
  lookbackMs: number;
}

export function discoveredCursors(input: DiscoveryInput): PollCursor[] {
  const lookbackCutoff = input.now - input.lookbackMs;
  const found = new Map<string, PollCursor>();
  for (const model of input.listed) {
    if (input.known.has(model.name) || found.has(model.name) || !input.governs(model.name)) continue;
    const created = model.creationTimestamp;
    const isNew = created !== null && created >= input.knownSinceMs;
    found.set(model.name, {
      model: model.name,
      version: 0,
      lastActivityMs: null,
      lastPolledMs: null,
      firstPollSinceMs: isNew ? Math.min(created, lookbackCutoff) : lookbackCutoff,
    });
  }
  return [...found.values()];
}

/**
 * Since when a listed model counts as new: the start of the last finished pass (a model created
 * after it may have been missed by that pass only because it did not exist yet), or during the
 * first pass its own start (what exists then predates Baton).
 *
 * @example
 *   knownSince({ passStartedMs: 20, previousPassStartedMs: 10 }); // 10
 */
export function knownSince(progress: DirectoryProgress): number {
  return progress.previousPassStartedMs ?? progress.passStartedMs;
}

/**
 * The progress after reading one page: on to the next page, or, after the last, a new pass that
 * starts now and remembers when the finished one started.
 *
 * @example
 *   advance({ passStartedMs: 10, previousPassStartedMs: null }, undefined, 30); // { passStartedMs: 30, previousPassStartedMs: 10 }
 */
export function advance(
  progress: DirectoryProgress,
  nextPageToken: string | undefined,
  now: number,
): DirectoryProgress {
  if (nextPageToken) return { ...progress, pageToken: nextPageToken };
  return { passStartedMs: now, previousPassStartedMs: progress.passStartedMs };
}
