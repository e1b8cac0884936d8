/**
 * Carries out a `copyVersion` effect: the source version's exact artefacts become a new version
 * of the destination model, proven by a content digest (artefactDigest.ts) computed on both sides.
 * - Between two tracking servers: each file is streamed from the source's artifact API to the
 *   destination's, hashed on the way (never held whole in memory), then read back from the
 *   destination and hashed again; only when both digests match is the destination version created.
 * - Within one server: the new version's source is `models:/<name>/<version>`, as MLflow's
 *   `copy_model_version` does, and its artefacts are read back through it.
 * Idempotent: the destination version carries the lineage tag `baton.copied_from`, and a
 * redelivery finds it by that tag, verifies its digest again and creates nothing. A copy that runs
 * out of its time budget records the files done in Baton's table and resumes on redelivery.
 * A digest mismatch stops the promotion: nothing is created, both models' audit and the
 * notifications say why, and the source is tagged `baton.copy_status`.
 *
 * @example
 *   await copyVersion({ type: 'copyVersion', version: '7', registry: 'prod', model: 'prod.models.fraud', approvedBy: ['ana'] }, 'staging.models.fraud', deps);
 */

import type { CopiedFile, CopyProgressStore, Environment, Environments } from '../domain/copyPorts';
import type { Effect } from '../domain/effects';
import type { ModelLedger, Notifier } from '../domain/ports';
import { digestOf, hashingTap, versionDigest } from './artefactDigest';
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
 * Streams the files not done yet, hashing each on the way, recording progress after each file;
 * stops (to resume on redelivery) once the time budget is spent.
 */
async function transfer(
  from: Environment,
  to: Environment,
  sourceRoot: string,
  destinationRoot: string,
  key: string,
  deps: CopyDeps,
  subject: { model: string; version: string },
): Promise<CopiedFile[]> {
  const files = await from.artifacts.listFiles(sourceRoot);
  const done = new Map((await deps.copyProgress.get(key))?.files.map((f) => [f.path, f]) ?? []);
  const deadline = deps.now().getTime() + deps.environments.budgetMs;
  for (const file of files) {
    if (done.has(file.path)) continue;
    if (deps.now().getTime() > deadline)
      throw new CopyIncompleteError(subject.model, subject.version, done.size, files.length);
    const tap = hashingTap(await from.artifacts.read(`${sourceRoot}/${file.path}`));
    await to.artifacts.write(`${destinationRoot}/${file.path}`, tap.body, file.size);
    done.set(file.path, { path: file.path, ...tap.done() });
    await deps.copyProgress.put(key, { files: [...done.values()], updatedAt: deps.now().toISOString() });
  }
  return files.map((f) => done.get(f.path)!);
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
  const existing = await to.copies.findVersionByTag(effect.model, Lineage.key, lineage);

  // Read back what the destination holds (its version's artefacts, or the files just uploaded).
  const key = `${lineage}->${to.name}/${effect.model}`;
  // Across servers the files go under a run of the destination's own (MLflow registers only those).
  const run = existing || sameServer ? null : await to.copies.copyRun(key);
  const destinationRoot = existing
    ? await to.copies.artefactRoot(effect.model, existing.version)
    : run
      ? `${run.root}/model`
      : sourceRoot;
  const sourceFiles =
    existing || sameServer
      ? (await digestOf(from.artifacts, sourceRoot)).files
      : await transfer(from, to, sourceRoot, destinationRoot, key, deps, {
          model: sourceModel,
          version: effect.version,
        });
  const sourceDigest = versionDigest(sourceFiles);
  const destination = await digestOf(to.artifacts, destinationRoot);
  const outcome = { sourceDigest, destinationDigest: destination.digest };
  const about = { from, to, sourceModel, effect, outcome };

  // The bytes differ: stop here, say why, create nothing.
  if (destination.digest !== sourceDigest) {
    await stopOnMismatch(about, sourceFiles, destination.files, existing?.version ?? null, deps);
    return { status: 'mismatch', version: existing?.version ?? null, ...outcome };
  }

  // Found by its lineage tag: the copy exists and still matches; nothing new. When an earlier
  // invocation stopped between creating it and tagging the source, the audit is finished too.
  if (existing) {
    const finished = source.tags[Lineage.copiedTo] === `${to.name}/${effect.model}/${existing.version}`;
    await tagSource(about, existing.version);
    if (!finished)
      await auditBoth(about, existing.version, 'copy.completed', deps, describe(about, existing.version));
    return { status: 'found', version: existing.version, ...outcome };
  }

  await to.copies.ensureModel(effect.model, `Copied from ${sourceModel} in ${from.name} by Baton`);
  const version = await to.copies.createVersion(effect.model, {
    source: sameServer ? `models:/${sourceModel}/${effect.version}` : to.copies.sourceOf(destinationRoot),
    // Within one server, the source's run; across servers, the copy's run there (lineage names the source's).
    ...(run ? { runId: run.runId } : source.runId && { runId: source.runId }),
    ...(source.description && { description: source.description }),
    tags: {
      [Lineage.key]: lineage,
      [Lineage.registry]: from.name,
      [Lineage.model]: sourceModel,
      [Lineage.version]: effect.version,
      ...(source.runId && { [Lineage.runId]: source.runId }),
      [Lineage.digest]: sourceDigest,
    },
  });
  await tagSource(about, version);
  await auditBoth(about, version, 'copy.completed', deps, describe(about, version));
  return { status: 'copied', version, ...outcome };
}

type About = {
  from: Environment;
  to: Environment;
  sourceModel: string;
  effect: CopyEffect;
  outcome: { sourceDigest: string; destinationDigest: string };
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
