/**
 * The ports of the poll intake (lib/app/pollIntake.ts), for registries that cannot push: a feed of
 * one model's versions, a search page per request, the cursor Baton keeps per model (the
 * highest version it queued, when a version last appeared, when it last polled), and the model
 * listing through which models under a glob policy are discovered.
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
  /**
   * A model found by discovery and never polled yet: versions registered before this (ms) predate
   * Baton's governance of it and are left alone on its first poll (for a model created since the
   * previous discovery pass, its creation: every version is new).
   */
  firstPollSinceMs?: number;
}

export interface PollCursors {
  /** Every model's cursor (one Query: the schedule needs them all). */
  all(): Promise<PollCursor[]>;
  save(cursor: PollCursor): Promise<void>;
  /** Stores a discovered model's first cursor unless the model already has one. */
  discover(cursor: PollCursor): Promise<void>;
}

/** A registered model as the registry's model listing shows it. */
export interface ListedModel {
  name: string;
  /** When it was created (ms); null when the registry does not say. */
  creationTimestamp: number | null;
}

/**
 * The registry's registered models, page by page (one request per page), in the registry's own
 * order: how models under a glob policy are found without webhooks. Unity Catalog's listing takes
 * no filter, so every model is listed and matched by Baton.
 */
export interface ModelDirectory {
  page(pageToken?: string): Promise<{ models: ListedModel[]; nextPageToken?: string }>;
}

/** How far discovery got through the listing, kept between ticks. */
export interface DirectoryProgress {
  /** The next page to read; undefined: a new pass starts from the first page. */
  pageToken?: string;
  /** When the pass in progress started (ms). */
  passStartedMs: number;
  /** When the last finished pass started (ms), null before the first one ends. */
  previousPassStartedMs: number | null;
}

export interface DirectoryProgressStore {
  get(): Promise<DirectoryProgress | null>;
  save(progress: DirectoryProgress): Promise<void>;
}
