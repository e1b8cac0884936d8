/**
 * The ports a verified copy between environments drives (lib/app/copyVersion.ts): a registry's
 * artefact files, streamed (models are gigabytes, never held whole in memory), the few registry
 * calls a copy needs beyond ModelRegistry, and Baton's record of a copy's progress, so a copy that
 * cannot finish in one invocation resumes where it stopped.
 */
import type { Effect } from './effects';
import type { ModelRegistry, ModelVersionInfo } from './ports';

/** One artefact file: its path relative to the version's artefact root, and its size in bytes. */
export interface ArtifactFile {
  path: string;
  size: number;
}

/**
 * A registry's artefact store, addressed by the locations its registry names (a path of a tracking
 * server's artifact API, or an `s3://bucket/key` URI); a file's location is its root's plus `/<path>`.
 */
export interface ArtifactStore {
  /** Every file under `root`, recursively, with paths relative to `root`. */
  listFiles(root: string): Promise<ArtifactFile[]>;
  /** The file's bytes as a stream, read as it is consumed (backpressure: nothing runs ahead). */
  read(path: string): Promise<AsyncIterable<Uint8Array>>;
  /** Writes (or overwrites) the file from a stream, pulling each chunk only when the last was sent. */
  write(path: string, body: AsyncIterable<Uint8Array>, size: number): Promise<void>;
  /**
   * A copy of `from` (a file of `source`) to `to` made by the storage service itself, the bytes never
   * passing through Baton (S3's CopyObject, or a multipart copy above 5 GB), when both stores are
   * in one service and one set of credentials may read the one and write the other; null otherwise.
   */
  serverSideCopy?(
    source: ArtifactStore,
    from: string,
    to: string,
    size: number,
  ): (() => Promise<void>) | null;
}

/** What a new copy's version says of itself. */
export interface NewVersion {
  /** The `source` the registry records (within one server, `models:/<name>/<version>`). */
  source: string;
  runId?: string | undefined;
  description?: string | undefined;
  tags: Record<string, string>;
  /** The description of the destination model, should the copy create it. */
  modelDescription: string;
}

/** Where a copy's files go before it is registered (`version`: already created, pending, in Unity Catalog). */
export interface PreparedCopy {
  root: string;
  runId?: string;
  version?: string;
}

/**
 * What a copy asks of a registry beyond the ModelRegistry port. A copy's destination flow:
 * `prepare` (where the files go), the transfer and its proof, then `finish` (registered, READY).
 */
export interface CopyRegistry {
  /**
   * Within one registry, a version whose source is `models:/<name>/<version>` reads the source's own
   * files (OSS and workspace MLflow), so nothing is transferred; Unity Catalog copies the files.
   */
  readonly sharesArtefacts: boolean;
  /**
   * A copy's version is created before its files (Unity Catalog: PENDING_REGISTRATION until
   * finalized), so a linked version still pending is a copy an earlier invocation did not finish.
   * Otherwise (MLflow) a version is created from files already in place: a linked version is the copy.
   */
  readonly createsBeforeUpload: boolean;
  /** Where a version's artefacts are, as a location of the artefact store (throws RegistryUnsupportedError). */
  artefactRoot(name: string, version: string): Promise<string>;
  /**
   * Where the files of a new copy go: a run of the destination's own, found by `key` or created
   * (MLflow registers only a run's artefacts), or a new version of `name` PENDING_REGISTRATION
   * until finished, with `init`'s tags (Unity Catalog gives a version's storage location only then).
   */
  prepare(key: string, name: string, init: NewVersion): Promise<PreparedCopy>;
  /** The copy registered once its files are proven (created, or finalized): its version number. */
  finish(name: string, prepared: PreparedCopy, init: NewVersion): Promise<string>;
  /** The version of `name` carrying tag `key` = `value` (the oldest, should there be several), or null. */
  findVersionByTag(name: string, key: string, value: string): Promise<ModelVersionInfo | null>;
}

/** A registry Baton can copy from or to: its name, its registry calls and its artefacts. */
export interface Environment {
  /** The name the stage's REGISTRIES setting gives it (`default`: the one Baton listens to). */
  name: string;
  registry: ModelRegistry;
  copies: CopyRegistry;
  artifacts: ArtifactStore;
}

/** The registries of this stage by name; undefined names the one Baton listens to. */
export interface Environments {
  /** How long one invocation may spend transferring files before it records progress and stops (ms). */
  budgetMs: number;
  /** Rejects with UnknownEnvironmentError for a name the stage does not configure. */
  get(name: string | undefined): Promise<Environment>;
}

/** A file already copied: its relative path, size and SHA-256 (hex). */
export interface CopiedFile {
  path: string;
  size: number;
  sha256: string;
}

/** How far a copy got: the files done, so the next invocation continues after them. */
export interface CopyProgress {
  files: CopiedFile[];
  updatedAt: string;
}

/** Baton's record of copies in progress, keyed by source and destination. */
export interface CopyProgressStore {
  get(key: string): Promise<CopyProgress | null>;
  put(key: string, progress: CopyProgress): Promise<void>;
}

/** A copy asked for: the `copyVersion` effect, and the model (in the registry Baton listens to) it copies from. */
export interface CopyJob {
  effect: Extract<Effect, { type: 'copyVersion' }>;
  sourceModel: string;
  /** How many times the copy has handed itself the rest (0, or absent, for the worker's request). */
  part?: number | undefined;
}

/**
 * Where the worker hands a copy on: the copier function carries it out (models are gigabytes and
 * need a longer timeout than a decision), and hands itself the rest when one invocation cannot finish.
 */
export interface CopyRequests {
  request(job: CopyJob): Promise<void>;
}
