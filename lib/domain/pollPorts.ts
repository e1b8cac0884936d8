/**
 * The ports of the poll intake (lib/app/pollIntake.ts), for registries that cannot push: a feed of
 * one model's versions, a search page per request, and the cursor Baton keeps per model (the
 * highest version it queued, when a version last appeared, when it last polled).
 *
 * @example
 *   const page = await feed.page('main.fraud.detector'); // { versions: [{ version: '7', … }], nextPageToken }
 *   await cursors.save({ model: 'main.fraud.detector', version: 7, lastActivityMs, lastPolledMs: now });
 */

/** What the intake needs of a version: its number and when it was registered (ms). */
export interface PolledVersion {
  version: string;
  creationTimestamp: number;
}

export interface VersionPage {
  versions: PolledVersion[];
  nextPageToken?: string;
}

/** One model's versions, page by page: one registry request per page. */
export interface VersionFeed {
  /**
   * Whether pages come newest version first, so a page that reaches the cursor ends the read
   * (MLflow's `order_by`); Unity Catalog's search has no order_by, so every page is read.
   */
  readonly newestFirst: boolean;
  page(model: string, pageToken?: string): Promise<VersionPage>;
}

/** Baton's cursor on one model of a registry that cannot push. */
export interface PollCursor {
  model: string;
  /** The highest version number queued (0: none yet). */
  version: number;
  /** When the newest version seen was registered (ms), null when none was seen. */
  lastActivityMs: number | null;
  /** When the model was last polled to the end (ms), null when never. */
  lastPolledMs: number | null;
}

export interface PollCursors {
  /** Every model's cursor (one Query: the schedule needs them all). */
  all(): Promise<PollCursor[]>;
  save(cursor: PollCursor): Promise<void>;
}
