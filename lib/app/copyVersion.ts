/**
 * Carries out a `copyVersion` effect: the source version's exact artefacts become a new version
 * of the destination model, proven by a content digest (artefactDigest.ts) computed on both sides.
 * - Between two registries: each file is streamed from the source's store to the destination's
 *   (an artifact API, or S3 with Unity Catalog's temporary credentials), hashed on the way (never
 *   held whole in memory), or copied by S3 itself when both stores are S3 under the copier's own
 *   role; then read back from the destination and hashed again. Only when both digests match is
 *   the destination version registered (created in MLflow; finalized in Unity Catalog, which
 *   created it PENDING_REGISTRATION first to give its storage location).
 * - Within one MLflow server: the new version's source is `models:/<name>/<version>`, as MLflow's
 *   `copy_model_version` does, and its artefacts are read back through it. Within one Unity
 *   Catalog metastore the source is named the same way and the files are copied as above.
 * Idempotent: the destination version carries the lineage tag `baton.copied_from`, and a
 * redelivery finds it by that tag, verifies its digest again and creates nothing. A copy that runs
 * out of its time budget records the files done in Baton's table and resumes on redelivery.
 * A digest mismatch stops the promotion: nothing is created, both models' audit and the
 * notifications say why, and the source is tagged `baton.copy_status`.
 *
 * @example
 *   await copyVersion({ type: 'copyVersion', version: '7', registry: 'prod', model: 'prod.models.fraud', approvedBy: ['ana'] }, 'staging.models.fraud', deps);
 */

import type {
  CopiedFile,
  CopyProgressStore,
  Environment,
  Environments,
  NewVersion,
  PreparedCopy,
} from '../domain/copyPorts';
import type { Effect } from '../domain/effects';
import type { ModelLedger, Notifier } from '../domain/ports';
import { digestOf, hashFile, hashingTap, versionDigest } from './artefactDigest';
import { CopyIncompleteError } from './copyErrors';

export type CopyEffect = Extract<Effect, { type: 'copyVersion' }>;

export interface CopyDeps {
  environments: Environments;
  copyProgress: CopyProgressStore;
  ledger: ModelLedger;
  notifier: Notifier;
  now(): Date;
}

/** What a finished copy proved. */
export interface CopyOutcome {
  status: 'copied' | 'found' | 'mismatch';
  version: string | null;
  sourceDigest: string;
  destinationDigest: string;
  /** Files S3 copied server-side (the rest were streamed through the copier). */
  serverSide: number;
}

/** Tags of the copy's lineage, on the destination version. */
export const Lineage = {
  key: 'baton.copied_from',
  registry: 'baton.copied_from.registry',
  model: 'baton.copied_from.model',
  version: 'baton.copied_from.version',
  runId: 'baton.copied_from.run_id',
  digest: 'baton.digest',
  copiedTo: 'baton.copied_to',
  status: 'baton.copy_status',
} as const;

/**
 * Copies the files not done yet, hashing each on the way, recording progress after each file;
 * stops (to resume on redelivery) once the time budget is spent. A file both stores can copy
 * server-side (S3 to S3 under one set of credentials) is read once to hash it and copied by S3;
 * any other is streamed from the one store to the other.
 */
async function transfer(
  from: Environment,
  to: Environment,
  roots: { source: string; destination: string },
  key: string,
  deps: CopyDeps,
  subject: { model: string; version: string },
): Promise<{ files: CopiedFile[]; serverSide: number }> {
  const files = await from.artifacts.listFiles(roots.source);
  const done = new Map((await deps.copyProgress.get(key))?.files.map((f) => [f.path, f]) ?? []);
  const deadline = deps.now().getTime() + deps.environments.budgetMs;
  let serverSide = 0;
  for (const file of files) {
    if (done.has(file.path)) continue;
    if (deps.now().getTime() > deadline)
      throw new CopyIncompleteError(subject.model, subject.version, done.size, files.length);
    const source = `${roots.source}/${file.path}`;
    const destination = `${roots.destination}/${file.path}`;
    const copy = to.artifacts.serverSideCopy?.(from.artifacts, source, destination, file.size) ?? null;
    if (copy) {
      const [hashed] = await Promise.all([hashFile(from.artifacts, source), copy()]);
      done.set(file.path, { path: file.path, ...hashed });
      serverSide++;
    } else {
      const tap = hashingTap(await from.artifacts.read(source));
      await to.artifacts.write(destination, tap.body, file.size);
      done.set(file.path, { path: file.path, ...tap.done() });
    }
    await deps.copyProgress.put(key, { files: [...done.values()], updatedAt: deps.now().toISOString() });
  }
  return { files: files.map((f) => done.get(f.path)!), serverSide };
}

/**
 * The copy, verified (see the file's header).
 *
 * @example
 *   (await copyVersion(effect, 'staging.models.fraud', deps)).status; // 'copied'
 */
export async function copyVersion(
  effect: CopyEffect,
  sourceModel: string,
  deps: CopyDeps,
): Promise<CopyOutcome> {
  const from = await deps.environments.get(undefined);
  const to = await deps.environments.get(effect.registry);
  const lineage = `${from.name}/${sourceModel}/${effect.version}`;
  const source = await from.registry.getModelVersion(sourceModel, effect.version);
  if (!source) throw new Error(`${sourceModel} v${effect.version} no longer exists in registry ${from.name}`);
  const sourceRoot = await from.copies.artefactRoot(sourceModel, effect.version);
  const sameServer = from.name === to.name;
  const linked = await to.copies.findVersionByTag(effect.model, Lineage.key, lineage);
  // Where a version is created before its files (Unity Catalog), one still pending is a copy an
  // earlier invocation did not finish: this one carries on with it. Otherwise it is the copy.
  const pending = to.copies.createsBeforeUpload && linked?.status === 'PENDING_REGISTRATION' ? linked : null;
  const existing = linked && !pending && linked.status !== 'FAILED_REGISTRATION' ? linked : null;
  const init: NewVersion = {
    source: sameServer ? `models:/${sourceModel}/${effect.version}` : (source.source ?? sourceRoot),
    ...(sameServer && source.runId && { runId: source.runId }),
    ...(source.description && { description: source.description }),
    tags: {
      [Lineage.key]: lineage,
      [Lineage.registry]: from.name,
      [Lineage.model]: sourceModel,
      [Lineage.version]: effect.version,
      ...(source.runId && { [Lineage.runId]: source.runId }),
    },
    modelDescription: `Copied from ${sourceModel} in ${from.name} by Baton`,
  };

  // Within one server whose versions can share files, nothing moves: the new version reads the source's.
  const key = `${lineage}->${to.name}/${effect.model}`;
  const shared = sameServer && to.copies.sharesArtefacts;
  const prepared: PreparedCopy | null =
    existing || shared
      ? null
      : pending
        ? { root: await to.copies.artefactRoot(effect.model, pending.version), version: pending.version }
        : await to.copies.prepare(key, effect.model, init);
  const destinationRoot = existing
    ? await to.copies.artefactRoot(effect.model, existing.version)
    : (prepared?.root ?? sourceRoot);
  const moved = prepared
    ? await transfer(from, to, { source: sourceRoot, destination: destinationRoot }, key, deps, {
        model: sourceModel,
        version: effect.version,
      })
    : { files: (await digestOf(from.artifacts, sourceRoot)).files, serverSide: 0 };
  const sourceDigest = versionDigest(moved.files);
  const destination = await digestOf(to.artifacts, destinationRoot);
  const outcome = { sourceDigest, destinationDigest: destination.digest };
  const about = { from, to, sourceModel, effect, outcome, serverSide: moved.serverSide };
  const unfinished = existing?.version ?? prepared?.version ?? null;

  // The bytes differ: stop here, say why, register nothing (a pending Unity Catalog version stays unfinalized).
  if (destination.digest !== sourceDigest) {
    await stopOnMismatch(about, moved.files, destination.files, unfinished, deps);
    return { status: 'mismatch', version: unfinished, serverSide: moved.serverSide, ...outcome };
  }

  // Found by its lineage tag: the copy exists and still matches; nothing new. When an earlier
  // invocation stopped between creating it and tagging the source, the audit is finished too.
  if (existing) {
    const finished = source.tags[Lineage.copiedTo] === `${to.name}/${effect.model}/${existing.version}`;
    await tagSource(about, existing.version);
    if (!finished)
      await auditBoth(about, existing.version, 'copy.completed', deps, describe(about, existing.version));
    return { status: 'found', version: existing.version, serverSide: 0, ...outcome };
  }

  const proven = { ...init, tags: { ...init.tags, [Lineage.digest]: sourceDigest } };
  const version = await to.copies.finish(effect.model, prepared ?? { root: sourceRoot }, proven);
  await tagSource(about, version);
  await auditBoth(about, version, 'copy.completed', deps, describe(about, version));
  return { status: 'copied', version, serverSide: moved.serverSide, ...outcome };
}

type About = {
  from: Environment;
  to: Environment;
  sourceModel: string;
  effect: CopyEffect;
  outcome: { sourceDigest: string; destinationDigest: string };
  /** Files S3 copied itself in this invocation. */
  serverSide: number;
};

/** "binary of staging.models.fraud v7 promoted to prod.models.fraud v3, digest sha256:…, approved by …" */
function describe({ sourceModel, effect, outcome }: About, version: string): string {
  const by = effect.approvedBy.join(', ') || 'policy (passed validation)';
  return `binary of ${sourceModel} v${effect.version} promoted to ${effect.model} v${version}, digest ${outcome.sourceDigest}, approved by ${by}`;
}

async function tagSource({ from, to, sourceModel, effect, outcome }: About, version: string): Promise<void> {
  await Promise.all([
    from.registry.setModelVersionTag(sourceModel, effect.version, Lineage.digest, outcome.sourceDigest),
    from.registry.setModelVersionTag(
      sourceModel,
      effect.version,
      Lineage.copiedTo,
      `${to.name}/${effect.model}/${version}`,
    ),
    from.registry.setModelVersionTag(sourceModel, effect.version, Lineage.status, 'COPIED'),
  ]);
}

/** The same entry in both models' audit trails (the destination's names its own version). */
async function auditBoth(about: About, version: string | null, kind: string, deps: CopyDeps, text: string) {
  const at = deps.now().toISOString();
  const actor = about.effect.approvedBy.join(', ') || 'baton';
  const evidence = {
    binary: text,
    from: { registry: about.from.name, model: about.sourceModel, version: about.effect.version },
    to: { registry: about.to.name, model: about.effect.model, version },
    ...about.outcome,
    serverSide: about.serverSide,
  };
  const cause = `copy:${about.sourceModel}:${about.effect.version}`;
  await deps.ledger.appendAudit({
    at,
    model: about.sourceModel,
    version: about.effect.version,
    kind,
    actor,
    cause,
    evidence,
  });
  await deps.ledger.appendAudit({
    at,
    model: about.effect.model,
    ...(version && { version }),
    kind,
    actor,
    cause,
    evidence,
  });
}

async function stopOnMismatch(
  about: About,
  sourceFiles: CopiedFile[],
  destinationFiles: CopiedFile[],
  version: string | null,
  deps: CopyDeps,
): Promise<void> {
  const theirs = new Map(destinationFiles.map((f) => [f.path, f.sha256]));
  const differing = [
    ...sourceFiles.filter((f) => theirs.get(f.path) !== f.sha256).map((f) => f.path),
    ...destinationFiles.filter((f) => !sourceFiles.some((s) => s.path === f.path)).map((f) => f.path),
  ];
  const { sourceModel, effect, outcome } = about;
  const reason = `copy of ${sourceModel} v${effect.version} to ${effect.model} stopped: digest mismatch (source ${outcome.sourceDigest}, destination ${outcome.destinationDigest}; differing files: ${differing.join(', ')})`;
  await about.from.registry.setModelVersionTag(
    sourceModel,
    effect.version,
    Lineage.status,
    `FAILED: ${reason}`,
  );
  await auditBoth(about, version, 'copy.failed', deps, reason);
  await deps.notifier.publish({
    kind: 'copy.failed',
    model: sourceModel,
    version: effect.version,
    destination: `${about.to.name}/${effect.model}`,
    reason,
    idempotencyKey: `copy-failed:${sourceModel}:${effect.version}:${outcome.destinationDigest}`,
  });
}
