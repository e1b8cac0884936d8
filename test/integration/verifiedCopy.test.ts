/**
 * Verified copies between environments on TWO real MLflow tracking servers: staging (the shared
 * test server) and production (started here, with its own state and artifact store, artifacts
 * served). The worker's use case runs in this process with the real registry and artifact
 * adapters; Baton's record is in memory (no emulator region is needed).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpClient } from '../../lib/adapters/registry/httpClient';
import { MlflowCopyRegistry } from '../../lib/adapters/registry/mlflowCopyRegistry';
import { MlflowRegistry } from '../../lib/adapters/registry/mlflowRegistry';
import { CopyIncompleteError } from '../../lib/app/copyErrors';
import { runCopyJob } from '../../lib/app/copyJob';
import { type CopyDeps, type CopyEffect, copyVersion } from '../../lib/app/copyVersion';
import { processEvent } from '../../lib/app/processEvent';
import type { CopyProgress, CopyRequests } from '../../lib/domain/copyPorts';
import type { AuditEntry } from '../../lib/domain/state';
import { environmentsFromEnv } from '../../lib/wiring/environments';
import { policySchema } from '../../lib/wiring/policySchema';
import { mlflowApi } from '../../local/mlflowApi';
import { freePort } from '../../local/ports';
import { ensurePythonEnv } from '../../local/pythonEnv';
import { type Service, startMlflow } from '../../local/services';
import { aCreatedEvent } from '../support/builders';
import { MemoryNotifier, MemoryStore, withNullDeps } from '../support/fakes';
import { uniqueName } from '../support/localStack';
import { tagsOf } from '../support/registryWaits';
import { versionWithFiles } from '../support/versionWithFiles';

let prod: Service;
let prodDir: string;
const stagingUrl = () => inject('mlflowUrl');

/** A source version in staging whose run holds `files` under model/. */
const stagingVersion = (model: string, files: Record<string, Buffer>) =>
  versionWithFiles(stagingUrl(), model, files);

/** Where the destination version's artefacts are, as a path of its artifact API. */
function copiedRoot(model: string, version: string): Promise<string> {
  return new MlflowCopyRegistry(new HttpClient({ baseUrl: prod.url })).artefactRoot(model, version);
}

/** Where a version's artefacts are on a server, as a path of its artifact API. */
function copiedRootIn(baseUrl: string, model: string, version: string): Promise<string> {
  return new MlflowCopyRegistry(new HttpClient({ baseUrl })).artefactRoot(model, version);
}

/** A file's bytes as the destination server serves them. */
async function served(baseUrl: string, path: string): Promise<Buffer> {
  const response = await fetch(`${baseUrl}/api/2.0/mlflow-artifacts/artifacts/${path}`);
  return Buffer.from(await response.arrayBuffer());
}

function copyDeps(budgetSeconds = 600) {
  const audit: AuditEntry[] = [];
  const progress = new Map<string, CopyProgress>();
  const notifier = new MemoryNotifier();
  const deps: CopyDeps = {
    environments: environmentsFromEnv(
      {
        MLFLOW_TRACKING_URI: stagingUrl(),
        REGISTRY_NAME: 'staging',
        REGISTRIES: JSON.stringify({ prod: { trackingUri: prod.url } }),
        COPY_BUDGET_SECONDS: String(budgetSeconds),
      },
      { values: async () => [] },
    ),
    copyProgress: { get: async (k) => progress.get(k) ?? null, put: async (k, p) => void progress.set(k, p) },
    ledger: {
      appendAudit: async (entry: AuditEntry) => void audit.push(entry),
    } as unknown as CopyDeps['ledger'],
    notifier,
    now: () => new Date(),
  };
  // The worker's copy requests, carried out in this process as the copier would (lib/app/copyJob.ts).
  const copies: CopyRequests = {
    request: async (job) => void (await runCopyJob(job, { ...deps, requests: copies })),
  };
  return { deps, audit, progress, notifier, copies };
}

const files = {
  MLmodel: Buffer.from('flavors:\n  python_function: {}\n'),
  'model.pkl': randomBytes(3 * 1024 * 1024 + 17),
  'conf/settings.json': Buffer.from('{"threshold":0.42}'),
};

beforeAll(async () => {
  prodDir = mkdtempSync(join(tmpdir(), 'baton-prod-mlflow-'));
  const python = ensurePythonEnv({ stateDir: '.baton' });
  prod = await startMlflow({ python, stateDir: prodDir, port: await freePort() });
});
afterAll(async () => {
  await prod?.stop();
});

describe('a verified copy from staging to production', () => {
  it('creates a production version with byte-identical artefacts, equal digests and lineage tags', async () => {
    // Prepare
    const source = uniqueName('staging.models.fraud');
    const destination = uniqueName('prod.models.fraud');
    const { runId, version } = await stagingVersion(source, files);
    const { deps, audit } = copyDeps();
    const effect: CopyEffect = {
      type: 'copyVersion',
      version,
      registry: 'prod',
      model: destination,
      approvedBy: ['ana'],
    };

    // Act
    const outcome = await copyVersion(effect, source, deps);

    // Assess
    expect(outcome.status).toBe('copied');
    expect(outcome.destinationDigest).toBe(outcome.sourceDigest);
    const copied = await mlflowApi(prod.url).getModelVersion(destination, outcome.version!);
    expect(tagsOf(copied)).toMatchObject({
      'baton.digest': outcome.sourceDigest,
      'baton.copied_from.registry': 'staging',
      'baton.copied_from.model': source,
      'baton.copied_from.version': version,
      'baton.copied_from.run_id': runId,
    });
    for (const [path, bytes] of Object.entries(files)) {
      expect(
        (await served(prod.url, `${await copiedRoot(destination, outcome.version!)}/${path}`)).equals(bytes),
      ).toBe(true);
    }
    const original = await mlflowApi(stagingUrl()).getModelVersion(source, version);
    expect(tagsOf(original)['baton.copied_to']).toBe(`prod/${destination}/${outcome.version}`);
    expect(audit.map((e) => [e.model, e.evidence.binary])).toEqual([
      [
        source,
        `binary of ${source} v${version} promoted to ${destination} v${outcome.version}, digest ${outcome.sourceDigest}, approved by ana`,
      ],
      [
        destination,
        `binary of ${source} v${version} promoted to ${destination} v${outcome.version}, digest ${outcome.sourceDigest}, approved by ana`,
      ],
    ]);
  });

  it('creates nothing new when the copy request is delivered again', async () => {
    // Prepare
    const source = uniqueName('staging.models.fraud');
    const destination = uniqueName('prod.models.fraud');
    const { version } = await stagingVersion(source, files);
    const effect: CopyEffect = {
      type: 'copyVersion',
      version,
      registry: 'prod',
      model: destination,
      approvedBy: [],
    };
    const first = await copyVersion(effect, source, copyDeps().deps);

    // Act
    const again = await copyVersion(effect, source, copyDeps().deps);

    // Assess
    expect(again).toMatchObject({
      status: 'found',
      version: first.version,
      destinationDigest: first.sourceDigest,
    });
    const versions = await new MlflowRegistry({ baseUrl: prod.url }).searchModelVersions({
      name: destination,
    });
    expect(versions.versions.map((v) => v.version)).toEqual([first.version]);
  });

  it('resumes after the files done, and stops with the reason when a destination file was tampered with', async () => {
    // Prepare: the first invocation's budget is spent after one file.
    const source = uniqueName('staging.models.fraud');
    const destination = uniqueName('prod.models.fraud');
    const { version } = await stagingVersion(source, files);
    const effect: CopyEffect = {
      type: 'copyVersion',
      version,
      registry: 'prod',
      model: destination,
      approvedBy: [],
    };
    const { deps, audit, progress, notifier } = copyDeps(0);
    await expect(copyVersion(effect, source, deps)).rejects.toBeInstanceOf(CopyIncompleteError);
    const [done] = [...progress.values()][0]!.files;
    const key = `staging/${source}/${version}->prod/${destination}`;
    const { root } = await new MlflowCopyRegistry(new HttpClient({ baseUrl: prod.url })).prepare(key);
    const onDisk = join(prodDir, 'mlflow', 'artifacts', root, done!.path);
    writeFileSync(onDisk, Buffer.concat([readFileSync(onDisk), Buffer.from('tampered')]));

    // Act: the redelivery resumes with a whole invocation's budget.
    const resumed = { ...deps, environments: { ...deps.environments, budgetMs: 600_000 } };
    const outcome = await copyVersion(effect, source, resumed);

    // Assess
    expect(outcome.status).toBe('mismatch');
    expect(
      (await new MlflowRegistry({ baseUrl: prod.url }).searchModelVersions({ name: destination })).versions,
    ).toEqual([]);
    const reason = `copy of ${source} v${version} to ${destination} stopped: digest mismatch (source ${outcome.sourceDigest}, destination ${outcome.destinationDigest}; differing files: ${done!.path})`;
    expect(notifier.published).toEqual([expect.objectContaining({ kind: 'copy.failed', reason })]);
    expect(audit.filter((e) => e.kind === 'copy.failed').map((e) => e.model)).toEqual([source, destination]);
    expect(tagsOf(await mlflowApi(stagingUrl()).getModelVersion(source, version))['baton.copy_status']).toBe(
      `FAILED: ${reason}`,
    );
  });

  it('copies within one server by pointing the new version at models:/<name>/<version>', async () => {
    // Prepare
    const source = uniqueName('staging.models.fraud');
    const destination = uniqueName('staging.models.fraud-copy');
    const { version } = await stagingVersion(source, files);

    // Act
    const effect: CopyEffect = {
      type: 'copyVersion',
      version,
      registry: 'staging',
      model: destination,
      approvedBy: [],
    };
    const outcome = await copyVersion(effect, source, copyDeps().deps);

    // Assess
    const copied = await new MlflowRegistry({ baseUrl: stagingUrl() }).getModelVersion(
      destination,
      outcome.version!,
    );
    expect(copied?.source).toBe(`models:/${source}/${version}`);
    expect(outcome.destinationDigest).toBe(outcome.sourceDigest);
  });
});

describe('baton promote MODEL VERSION --to ENV --as WHO', () => {
  it('copies a validated version by hand when an approver of the source policy asks, and refuses anyone else', async () => {
    // Prepare: validated in staging, waiting for approval (the policy copies only once approved).
    const source = uniqueName('staging.models.fraud');
    const destination = uniqueName('prod.models.fraud');
    const { version } = await stagingVersion(source, files);
    const staging = policySchema.parse({
      model: source,
      checks: { metrics: [{ name: 'val_auc', min: 0.8 }] },
      approval: { approvers: ['ana@example.com'] },
      promote: { copyTo: { registry: 'prod', model: destination } },
    });
    const { deps: copying, audit, copies } = copyDeps();
    const store = new MemoryStore();
    const base = withNullDeps({
      registry: new MlflowRegistry({ baseUrl: stagingUrl() }),
      store,
      notifier: new MemoryNotifier(),
      policyFor: () => staging,
      now: () => new Date(),
    });
    const deps = withNullDeps({
      ...base,
      ledger: { ...base.ledger, appendAudit: copying.ledger.appendAudit },
      copies,
    });
    await processEvent(aCreatedEvent({ model: source, version }), deps);
    const ask = (actor: string) => ({
      type: 'control' as const,
      model: source,
      version,
      action: 'copy' as const,
      environment: 'prod',
      actor,
      via: 'cli' as const,
      deliveryId: uniqueName('cli'),
      receivedAt: new Date().toISOString(),
    });

    // Act
    await processEvent(ask('mallory@example.com'), deps);
    await processEvent(ask('ana@example.com'), deps);

    // Assess
    const refused = [...store.audit, ...audit].find((e) => e.actor === 'mallory@example.com');
    expect(refused?.evidence.message ?? refused?.evidence.reason).toBe(
      `mallory@example.com is not an approver of ${source}`,
    );
    const copied = audit.filter((e) => e.kind === 'copy.completed' && e.model === destination);
    expect(copied).toHaveLength(1);
    expect(copied[0]!.evidence.binary).toMatch(
      new RegExp(`promoted to ${destination} v1, digest sha256:[0-9a-f]{64}, approved by ana@example.com$`),
    );
  });
});

describe('a copy of a large model', () => {
  it('streams a 200 MB artefact without holding it in memory (RSS grows by far less than the file)', async () => {
    // Prepare: a 200 MB file uploaded to staging from disk, in chunks.
    const size = 200 * 1024 * 1024;
    const path = join(prodDir, 'big.bin');
    const chunk = randomBytes(1024 * 1024);
    const out = createWriteStream(path);
    for (let i = 0; i < size / chunk.length; i++) if (!out.write(chunk)) await once(out, 'drain');
    await new Promise((done) => out.end(done));
    const source = uniqueName('staging.models.big');
    const destination = uniqueName('prod.models.big');
    const { version } = await stagingVersion(source, { MLmodel: files.MLmodel });
    const root = await copiedRootIn(stagingUrl(), source, version);
    const put = await fetch(`${stagingUrl()}/api/2.0/mlflow-artifacts/artifacts/${root}/weights.bin`, {
      method: 'PUT',
      body: Readable.toWeb(createReadStream(path)) as ReadableStream,
      headers: { 'content-length': String(size) },
      duplex: 'half',
    } as RequestInit);
    expect(put.ok).toBe(true);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const peaks = { heapUsed: 0, external: 0, arrayBuffers: 0 };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      for (const k of ['heapUsed', 'external', 'arrayBuffers'] as const) peaks[k] = Math.max(peaks[k], m[k]);
    }, 20);

    // Act
    const started = performance.now();
    const outcome = await copyVersion(
      { type: 'copyVersion', version, registry: 'prod', model: destination, approvedBy: [] },
      source,
      copyDeps().deps,
    );
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;

    // Assess
    const growthMb = (peak - before) / 1024 / 1024;
    console.log(
      `copied ${size / 1024 / 1024} MB in ${seconds.toFixed(1)} s; RSS before ${(before / 1024 / 1024).toFixed(0)} MB, peak growth ${growthMb.toFixed(1)} MB`,
    );
    expect(outcome.status).toBe('copied');
    expect(outcome.destinationDigest).toBe(outcome.sourceDigest);
    expect(growthMb).toBeLessThan(64);
  }, 300_000);
});

describe('environments end to end', () => {
  it('copies a version approved in staging to production, where it passes production’s policy to champion', async () => {
    // Prepare
    const source = uniqueName('staging.models.fraud');
    const destination = uniqueName('prod.models.fraud');
    const { version } = await stagingVersion(source, files);
    const staging = policySchema.parse({
      model: source,
      checks: { metrics: [{ name: 'val_auc', min: 0.8 }], requireDescription: true },
      approval: { approvers: ['ana@example.com'], forbidSelfApproval: false },
      promote: { copyTo: { registry: 'prod', model: destination }, when: 'approved' },
    });
    const production = policySchema.parse({
      model: destination,
      checks: { requiredTags: ['baton.digest', 'baton.copied_from.run_id'], runStatus: [] },
      approval: { required: false },
    });
    const { deps: copying, audit, copies } = copyDeps();
    const base = withNullDeps({
      registry: new MlflowRegistry({ baseUrl: stagingUrl() }),
      store: new MemoryStore(),
      notifier: new MemoryNotifier(),
      policyFor: () => staging,
      now: () => new Date(),
    });
    const stagingDeps = withNullDeps({
      ledger: { ...base.ledger, appendAudit: copying.ledger.appendAudit },
      registry: new MlflowRegistry({ baseUrl: stagingUrl() }),
      store: new MemoryStore(),
      notifier: new MemoryNotifier(),
      policyFor: () => staging,
      now: () => new Date(),
      copies,
    });

    // Act: validated, approved by ana (the copy follows), then production's own policy.
    await processEvent(aCreatedEvent({ model: source, version }), stagingDeps);
    await processEvent(
      {
        type: 'decision',
        model: source,
        version,
        decision: 'approve',
        actor: 'ana@example.com',
        via: 'cli',
        deliveryId: uniqueName('d'),
        receivedAt: new Date().toISOString(),
      },
      stagingDeps,
    );
    const copied = audit.find((e) => e.kind === 'copy.completed' && e.model === destination)!;
    const prodVersion = copied.version!;
    const prodDeps = withNullDeps({
      registry: new MlflowRegistry({ baseUrl: prod.url }),
      store: new MemoryStore(),
      notifier: new MemoryNotifier(),
      policyFor: () => production,
      now: () => new Date(),
    });
    await processEvent(
      aCreatedEvent({ model: destination, version: prodVersion, deliveryId: uniqueName('d') }),
      prodDeps,
    );

    // Assess
    const inStaging = await mlflowApi(stagingUrl()).getModelVersion(source, version);
    expect(inStaging.aliases).toEqual(expect.arrayContaining(['champion', 'staging']));
    const inProd = await mlflowApi(prod.url).getModelVersion(destination, prodVersion);
    expect(inProd.aliases).toContain('champion');
    expect(tagsOf(inProd)['baton.digest']).toBe(tagsOf(inStaging)['baton.digest']);
    expect(copied.evidence.binary).toMatch(/approved by ana/);
  });
});
