/**
 * Verified copies into and within Unity Catalog, against a local stand-in for a workspace (no Unity
 * Catalog server can run here) and the emulator's S3 for the storage locations. The stand-in checks
 * every request against the shapes of MLflow's UcModelRegistryService (MLflow 3.17.2: method,
 * path, body or query fields, bearer token), records each violation, and plays the metastore: a
 * version is created PENDING_REGISTRATION with a storage location of its own, files may be written
 * there only with READ_WRITE credentials of that version and only before `finalize`, search takes
 * one `name='…'` condition and answers without tags. Each set of temporary credentials has an
 * access key of its own, so the test sees which version's credentials every S3 call was made with.
 * The source is the real staging MLflow server (OSS to Unity Catalog), or a Unity Catalog version
 * (a copy within one metastore, `source: models:/…`).
 */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as z from 'zod/mini';
import { CopyIncompleteError } from '../../lib/app/copyErrors';
import { type CopyDeps, type CopyEffect, copyVersion } from '../../lib/app/copyVersion';
import type { CopyProgress } from '../../lib/domain/copyPorts';
import type { AuditEntry } from '../../lib/domain/state';
import { type EnvironmentSettings, environmentsFromEnv } from '../../lib/wiring/environments';
import { MemoryNotifier } from '../support/fakes';
import { uniqueName } from '../support/localStack';
import { type Received, type Reply, startReceiver } from '../support/receiver';
import {
  explain,
  type Route,
  text,
  threeLevel,
  UC,
  versionNumber,
  versionRoutes,
} from '../support/unityCatalogShapes';
import { versionWithFiles } from '../support/versionWithFiles';

const token = 'dapi-uc-copy';
const bucket = uniqueName('uc-metastore');
const stagingUrl = () => inject('mlflowUrl');

const tag = z.strictObject({ key: text, value: z.string() });
// The documented request of each route a copy uses: query fields for GET, a JSON body otherwise.
const routes: Record<string, Route> = {
  ...versionRoutes,
  [`POST ${UC}/registered-models/create`]: {
    body: z.strictObject({
      name: threeLevel,
      description: z.optional(z.string()),
      tags: z.optional(z.array(tag)),
    }),
  },
  [`POST ${UC}/model-versions/create`]: {
    body: z.strictObject({
      name: threeLevel,
      source: text,
      run_id: z.optional(text),
      description: z.optional(z.string()),
      tags: z.optional(z.array(tag)),
    }),
  },
  [`POST ${UC}/model-versions/generate-temporary-credentials`]: {
    body: z.strictObject({
      name: threeLevel,
      version: versionNumber,
      operation: z.enum(['MODEL_VERSION_OPERATION_READ', 'MODEL_VERSION_OPERATION_READ_WRITE']),
    }),
  },
  [`POST ${UC}/model-versions/finalize`]: {
    body: z.strictObject({ name: threeLevel, version: versionNumber }),
  },
};

interface UcVersion {
  status: 'PENDING_REGISTRATION' | 'READY';
  source: string;
  created: number;
  tags: Map<string, string>;
}

/** A metastore: models and versions, the credentials handed out, and every rule a request broke. */
function fakeMetastore() {
  const models = new Map<string, Map<string, UcVersion>>();
  const violations: string[] = [];
  /** access key → what it may do: the version's storage location, and whether it may write. */
  const keys = new Map<string, { location: string; write: boolean }>();
  const calls: string[] = [];
  const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });
  const missing = (what: string) =>
    json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `${what} not found` });
  const locationOf = (name: string, version: string) => `s3://${bucket}/models/${name}/${version}`;
  const wire = (name: string, version: string, v: UcVersion, full: boolean) => ({
    name,
    version,
    creation_timestamp: String(v.created),
    last_updated_timestamp: String(v.created),
    source: v.source,
    status: v.status,
    storage_location: locationOf(name, version),
    ...(full && { tags: [...v.tags].map(([key, value]) => ({ key, value })) }),
  });

  function handle(r: Received): Reply {
    const url = new URL(r.path, 'http://uc');
    const key = `${r.method} ${url.pathname}`;
    const route = routes[key];
    calls.push(key.replace(`${UC}/`, ''));
    if (r.headers.authorization !== `Bearer ${token}`) violations.push(`${key}: no bearer token`);
    if (!route) {
      violations.push(`${key}: not a documented route`);
      return json(404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'no such endpoint' });
    }
    const input = route.query ? Object.fromEntries(url.searchParams) : JSON.parse(r.body || 'null');
    if (route.body && r.headers['content-type'] !== 'application/json')
      violations.push(`${key}: content-type`);
    const checked = (route.query ?? route.body!).safeParse(input);
    if (!checked.success) violations.push(`${key}: ${explain(checked.error.issues)}`);
    const f = input as Record<string, string> & { tags?: { key: string; value: string }[] };
    const versions = models.get(f.name ?? (f.filter ?? '').slice(6, -1));
    const v = versions?.get(f.version ?? '');
    switch (key) {
      case `POST ${UC}/registered-models/create`:
        if (versions) return json(400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'exists' });
        models.set(f.name!, new Map());
        return json(200, { registered_model: { name: f.name } });
      case `POST ${UC}/model-versions/create`: {
        if (!versions) return missing('registered model');
        const version = String(versions.size + 1);
        const created: UcVersion = {
          status: 'PENDING_REGISTRATION',
          source: f.source!,
          created: Date.now(),
          tags: new Map((f.tags ?? []).map((t) => [t.key, t.value])),
        };
        versions.set(version, created);
        return json(200, { model_version: wire(f.name!, version, created, true) });
      }
      case `GET ${UC}/model-versions/get`:
        return v
          ? json(200, { model_version: wire(f.name!, f.version!, v, true) })
          : missing('model version');
      case `GET ${UC}/registered-models/get`:
        return versions ? json(200, { registered_model: { name: f.name, aliases: [] } }) : missing('model');
      case `GET ${UC}/model-versions/search`:
        // Without tags, in no promised order.
        return json(200, {
          model_versions: [...(versions ?? [])]
            .reverse()
            .map(([n, x]) => wire(f.filter!.slice(6, -1), n, x, false)),
        });
      case `POST ${UC}/model-versions/generate-temporary-credentials`: {
        if (!v) return missing('model version');
        const write = f.operation === 'MODEL_VERSION_OPERATION_READ_WRITE';
        // "model version files can only be written at creation time"
        if (write && v.status === 'READY')
          return json(400, { error_code: 'INVALID_STATE', message: 'a READY version cannot be written' });
        const accessKey =
          `UC${f.version}${write ? 'RW' : 'R'}${randomBytes(4).toString('hex')}`.toUpperCase();
        keys.set(accessKey, { location: locationOf(f.name!, f.version!), write });
        return json(200, {
          credentials: {
            aws_temp_credentials: {
              access_key_id: accessKey,
              secret_access_key: 'secret',
              session_token: 'session',
            },
            expiration_time: String(Date.now() + 15 * 60_000),
          },
        });
      }
      case `POST ${UC}/model-versions/set-tag`:
        if (!v) return missing('model version');
        v.tags.set(f.key!, f.value!);
        return json(200, {});
      default:
        if (!v) return missing('model version');
        if (v.status !== 'PENDING_REGISTRATION')
          return json(400, { error_code: 'INVALID_STATE', message: 'not pending' });
        v.status = 'READY';
        return json(200, { model_version: wire(f.name!, f.version!, v, true) });
    }
  }
  return { models, violations, keys, calls, handle, locationOf };
}

let metastore: ReturnType<typeof fakeMetastore>;
let workspace: Awaited<ReturnType<typeof startReceiver>>;
/** Every S3 call of the copier: its command, the object, and the access key it was signed with. */
const s3Calls: { command: string; location: string; accessKey: string }[] = [];
const motoCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const s3 = (credentials = motoCredentials) => {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: inject('motoUrl'),
    forcePathStyle: true,
    credentials,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Bucket?: string; Key?: string; Prefix?: string };
      s3Calls.push({
        command: context.commandName ?? '?',
        location: `s3://${input.Bucket}/${input.Key ?? input.Prefix ?? ''}`,
        accessKey: credentials.accessKeyId,
      });
      return next(args);
    },
    { step: 'initialize' },
  );
  return client;
};
/** The test's own S3 client (its calls are not the copier's). */
const admin = () =>
  new S3Client({
    region: 'us-east-1',
    endpoint: inject('motoUrl'),
    forcePathStyle: true,
    credentials: motoCredentials,
  });

const files = {
  MLmodel: Buffer.from('flavors:\n  python_function: {}\n'),
  'model.pkl': randomBytes(2 * 1024 * 1024 + 5),
  'conf/settings.json': Buffer.from('{"threshold":0.42}'),
};

function copyDeps(settings: EnvironmentSettings, budgetSeconds = 600) {
  const audit: AuditEntry[] = [];
  const progress = new Map<string, CopyProgress>();
  const deps: CopyDeps = {
    environments: environmentsFromEnv(
      { ...settings, COPY_BUDGET_SECONDS: String(budgetSeconds) },
      { values: async () => [token] },
      undefined,
      s3,
    ),
    copyProgress: { get: async (k) => progress.get(k) ?? null, put: async (k, p) => void progress.set(k, p) },
    ledger: {
      appendAudit: async (entry: AuditEntry) => void audit.push(entry),
    } as unknown as CopyDeps['ledger'],
    notifier: new MemoryNotifier(),
    now: () => new Date(),
  };
  return { deps, audit };
}

/** Staging (the OSS server) copying into the workspace's metastore, registered as `uc`. */
const intoUnityCatalog = (budgetSeconds?: number) =>
  copyDeps(
    {
      MLFLOW_TRACKING_URI: stagingUrl(),
      REGISTRY_NAME: 'staging',
      REGISTRIES: JSON.stringify({ uc: { kind: 'databricks-uc', host: workspace.url, tokenParam: '/uc' } }),
    },
    budgetSeconds,
  );

/** A version of a new staging model with `files`, and the copy of it into a new Unity Catalog model. */
async function stagedCopy(approvedBy: string[] = []) {
  const source = uniqueName('staging.models.fraud');
  const destination = `prod.models.${uniqueName('fraud')}`;
  const { version } = await versionWithFiles(stagingUrl(), source, files);
  const effect: CopyEffect = { type: 'copyVersion', version, registry: 'uc', model: destination, approvedBy };
  return { source, destination, version, effect };
}

async function stored(location: string): Promise<Buffer> {
  const { bucket: b, key } = /^s3:\/\/(?<bucket>[^/]+)\/(?<key>.*)$/.exec(location)!.groups!;
  const object = await admin().send(new GetObjectCommand({ Bucket: b, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

/** The S3 calls on `location`'s objects since `from`, each with the credentials' owner and access. */
const callsUnder = (location: string, from: number) =>
  s3Calls
    .slice(from)
    .filter((c) => c.location.startsWith(location))
    .map((c) => ({ command: c.command, ...metastore.keys.get(c.accessKey) }));

beforeAll(async () => {
  metastore = fakeMetastore();
  workspace = await startReceiver((r) => metastore.handle(r));
  await admin().send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  await workspace?.close();
});

describe('a verified copy into Unity Catalog', () => {
  it('creates the version, uploads with its READ_WRITE credentials, proves the digest, then finalizes it', async () => {
    // Prepare
    const { source, destination, version, effect } = await stagedCopy(['ana']);
    const { deps, audit } = intoUnityCatalog();
    const mark = s3Calls.length;
    metastore.calls.length = 0;

    // Act
    const outcome = await copyVersion(effect, source, deps);

    // Assess: one version, READY, its files byte-identical, written only with its own credentials.
    expect(outcome).toMatchObject({ status: 'copied', version: '1', serverSide: 0 });
    expect(outcome.destinationDigest).toBe(outcome.sourceDigest);
    const created = metastore.models.get(destination)!.get('1')!;
    expect(created.status).toBe('READY');
    expect(Object.fromEntries(created.tags)).toMatchObject({
      'baton.copied_from': `staging/${source}/${version}`,
      'baton.copied_from.registry': 'staging',
      'baton.copied_from.model': source,
      'baton.copied_from.version': version,
      'baton.digest': outcome.sourceDigest,
    });
    const location = metastore.locationOf(destination, '1');
    for (const [path, bytes] of Object.entries(files))
      expect((await stored(`${location}/${path}`)).equals(bytes)).toBe(true);
    const writes = callsUnder(location, mark).filter((c) => /Put|Upload/.test(c.command));
    expect(writes.length).toBe(Object.keys(files).length);
    expect(writes.every((c) => c.location === location && c.write)).toBe(true);
    expect(callsUnder(location, mark).filter((c) => c.location !== location)).toEqual([]);
    // Created before its files, finalized after they were proven.
    const order = metastore.calls.filter((c) => /create|generate|finalize/.test(c));
    expect(order).toEqual([
      'POST registered-models/create',
      'POST model-versions/create',
      'POST model-versions/generate-temporary-credentials',
      'POST model-versions/finalize',
    ]);
    expect(audit.find((e) => e.model === destination)?.evidence.binary).toBe(
      `binary of ${source} v${version} promoted to ${destination} v1, digest ${outcome.sourceDigest}, approved by ana`,
    );
    expect(metastore.violations).toEqual([]);
  });

  it('creates nothing when the request is delivered again', async () => {
    // Prepare
    const { source, destination, effect } = await stagedCopy();
    const first = await copyVersion(effect, source, intoUnityCatalog().deps);

    // Act
    const again = await copyVersion(effect, source, intoUnityCatalog().deps);

    // Assess
    expect(again).toMatchObject({
      status: 'found',
      version: first.version,
      sourceDigest: first.sourceDigest,
    });
    expect([...metastore.models.get(destination)!.keys()]).toEqual(['1']);
    expect(metastore.violations).toEqual([]);
  });

  it('resumes the version it created when an invocation ran out of time, and finalizes that one', async () => {
    // Prepare: the first invocation's budget is spent after one file.
    const { source, destination, effect } = await stagedCopy();
    const stopped = intoUnityCatalog(0);
    await expect(copyVersion(effect, source, stopped.deps)).rejects.toBeInstanceOf(CopyIncompleteError);
    expect(metastore.models.get(destination)!.get('1')!.status).toBe('PENDING_REGISTRATION');

    // Act: a new invocation (nothing remembered in memory) with a whole budget.
    const outcome = await copyVersion(effect, source, intoUnityCatalog().deps);

    // Assess
    expect(outcome).toMatchObject({ status: 'copied', version: '1' });
    expect([...metastore.models.get(destination)!.keys()]).toEqual(['1']);
    expect(metastore.models.get(destination)!.get('1')!.status).toBe('READY');
    expect(metastore.violations).toEqual([]);
  });
});

describe('a verified copy within one Unity Catalog metastore', () => {
  it('names the source models:/<name>/<version> and copies its files with READ credentials of the source', async () => {
    // Prepare: a READY source version whose files are at its storage location.
    const source = `staging.models.${uniqueName('fraud')}`;
    const destination = `prod.models.${uniqueName('fraud')}`;
    metastore.models.set(
      source,
      new Map([['1', { status: 'READY', source: 'runs:/r1/model', created: Date.now(), tags: new Map() }]]),
    );
    const sourceLocation = metastore.locationOf(source, '1');
    for (const [path, bytes] of Object.entries(files)) {
      const key = `${sourceLocation.slice(`s3://${bucket}/`.length)}/${path}`;
      await admin().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    }
    const { deps } = copyDeps({
      MLFLOW_TRACKING_URI: workspace.url,
      REGISTRY_FLAVOR: 'databricks-uc',
      REGISTRY_TOKEN_PARAM: '/uc',
      REGISTRY_NAME: 'uc',
    });
    const mark = s3Calls.length;

    // Act
    const outcome = await copyVersion(
      { type: 'copyVersion', version: '1', model: destination, approvedBy: ['ana'] },
      source,
      deps,
    );

    // Assess
    expect(outcome).toMatchObject({ status: 'copied', version: '1' });
    expect(outcome.destinationDigest).toBe(outcome.sourceDigest);
    const copy = metastore.models.get(destination)!.get('1')!;
    expect(copy).toMatchObject({ status: 'READY', source: `models:/${source}/1` });
    expect(metastore.models.get(source)!.get('1')!.tags.get('baton.copied_to')).toBe(`uc/${destination}/1`);
    const reads = callsUnder(sourceLocation, mark);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.location === sourceLocation && c.write === false)).toBe(true);
    expect(metastore.violations).toEqual([]);
  });
});
