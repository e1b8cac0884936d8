/**
 * The ports a verified copy between environments drives (lib/app/copyVersion.ts): a registry's
 * artefact files, streamed (models are gigabytes, never held whole in memory), the few registry
 * calls a copy needs beyond ModelRegistry, and Baton's record of a copy's progress, so a copy that
 * cannot finish in one invocation resumes where it stopped.
 */
import type { ModelRegistry, ModelVersionInfo } from './ports';

/** One artefact file: its path relative to the version's artefact root, and its size in bytes. */
export interface ArtifactFile {
  path: string;
  size: number;
}

/** A registry's artefact store, addressed by paths relative to the store's root. */
export interface ArtifactStore {
  /** Every file under `root`, recursively, with paths relative to `root`. */
  listFiles(root: string): Promise<ArtifactFile[]>;
  /** The file's bytes as a stream, read as it is consumed (backpressure: nothing runs ahead). */
  read(path: string): Promise<AsyncIterable<Uint8Array>>;
  /** Writes (or overwrites) the file from a stream, pulling each chunk only when the last was sent. */
  write(path: string, body: AsyncIterable<Uint8Array>, size: number): Promise<void>;
}

/** What a copy asks of a registry beyond the ModelRegistry port. */
export interface CopyRegistry {
  /** Where a version's artefacts are, as a path of the artefact store (throws CopyNotSupportedError). */
  artefactRoot(name: string, version: string): Promise<string>;
  /** The destination run (found by `key`, else created) whose artefact root (a store path) a copy fills. */
  copyRun(key: string): Promise<{ runId: string; root: string }>;
  /** The `source` a version registered from files written under `root` names. */
  sourceOf(root: string): string;
  /** Creates the registered model unless it exists. */
  ensureModel(name: string, description?: string): Promise<void>;
  /** A new version of `name` from `source`, with its tags; its version number. */
  createVersion(
    name: string,
    options: { source: string; runId?: string; description?: string; tags: Record<string, string> },
  ): Promise<string>;
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
