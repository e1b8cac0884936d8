/**
 * The Unity Catalog registry flavour against a local stand-in for a workspace (no Unity Catalog
 * server can run here). The stand-in checks every request against the shapes of MLflow's
 * UcModelRegistryService (MLflow 3.17.2: method, path, query or body fields, bearer token) and of
 * the workspace tracking server's runs/get, records each violation, and plays the registry: a
 * version is PENDING_REGISTRATION until finalized, search takes one `name='…'` condition and no
 * order_by, answers in no particular order without tags or aliases, and pages by page_token.
 * A version is then validated through the worker's real processEvent → decide → apply path.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { HttpClient } from '../../lib/adapters/registry/httpClient';
import { HttpModelDirectory } from '../../lib/adapters/registry/modelDirectory';
import { VersionNotReadyError } from '../../lib/app/errors';
import { processEvent } from '../../lib/app/processEvent';
import type { ModelRegistry } from '../../lib/domain/ports';
import { createRegistry } from '../../lib/wiring/createRegistry';
import { aCreatedEvent, aPolicy } from '../support/builders';
import { MemoryNotifier, MemoryStore, withNullDeps } from '../support/fakes';
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

const token = 'dapi-uc-test';
const MODEL = 'main.fraud.detector';

// The documented request of each route: query fields for GET, a JSON body otherwise; nothing else.
const routes: Record<string, Route> = {
  ...versionRoutes,
  [`GET ${UC}/registered-models/alias`]: { query: z.strictObject({ name: threeLevel, alias: text }) },
  [`DELETE ${UC}/model-versions/delete-tag`]: {
    body: z.strictObject({ name: threeLevel, version: versionNumber, key: text }),
  },
  [`POST ${UC}/registered-models/alias`]: {
    body: z.strictObject({ name: threeLevel, alias: text, version: versionNumber }),
  },
  [`DELETE ${UC}/registered-models/alias`]: { body: z.strictObject({ name: threeLevel, alias: text }) },
  // The model listing discovery reads: paging only, no filter, no order_by.
  [`GET ${UC}/registered-models/search`]: {
    query: z.strictObject({
      max_results: z.optional(z.string().check(z.regex(/^[1-9]\d{0,3}$/))),
      page_token: z.optional(text),
    }),
  },
  // Runs are in the workspace's tracking server, not in Unity Catalog.
  'GET /api/2.0/mlflow/runs/get': { query: z.strictObject({ run_id: text }) },
};

interface FakeVersion {
  status: 'PENDING_REGISTRATION' | 'READY';
  created: number;
  runId: string;
  tags: Map<string, string>;
}

/** A workspace with Unity Catalog: versions, aliases and runs, and every rule a request broke. */
function fakeUnityCatalog() {
  const versions = new Map<string, FakeVersion>();
  const aliases = new Map<string, string>();
  const runs = new Map<string, Record<string, number>>();
  const violations: string[] = [];
  // The metastore's models, as the listing shows them (creation as the proto's int64 string).
  const listed = ['main.churn.scorer', MODEL, 'main.fraud.eu', 'main.fraud.us'].map((name, i) => ({
    name,
    creation_timestamp: String(1_795_366_000_000 + i),
  }));
  const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });
  const missing = (what: string) =>
    json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `${what} not found` });
  const aliasesOf = (version?: string) =>
    [...aliases]
      .filter(([, v]) => version === undefined || v === version)
      .map(([alias, v]) => ({ alias, version: v }));
  const wire = (version: string, v: FakeVersion, full: boolean) => ({
    name: MODEL,
    version,
    creation_timestamp: String(v.created),
    last_updated_timestamp: String(v.created),
    user_id: 'alice@example.com',
    description: 'gradient boosting',
    source: `models:/m-${version}`,
    run_id: v.runId,
    status: v.status,
    storage_location: `s3://uc-bucket/models/${version}`,
    // Search results carry neither tags nor aliases.
    ...(full && { tags: [...v.tags].map(([key, value]) => ({ key, value })), aliases: aliasesOf(version) }),
  });

  function fields(
    r: Received,
    route: { query?: z.ZodMiniType; body?: z.ZodMiniType },
  ): Record<string, string> {
    const url = new URL(r.path, 'http://uc');
    const query = Object.fromEntries(url.searchParams);
    const schema = route.query ?? route.body!;
    const input = route.query ? query : JSON.parse(r.body || 'null');
    if (route.query && r.body) violations.push(`${r.method} ${url.pathname}: a GET with a body`);
    if (route.body && Object.keys(query).length)
      violations.push(`${r.method} ${url.pathname}: query on a ${r.method}`);
    if (route.body && r.headers['content-type'] !== 'application/json')
      violations.push(`${r.method} ${url.pathname}: content-type`);
    const result = schema.safeParse(input);
    if (!result.success) violations.push(`${r.method} ${url.pathname}: ${explain(result.error.issues)}`);
    return input ?? {};
  }

  function handle(r: Received): Reply {
    const path = new URL(r.path, 'http://uc').pathname;
    const route = routes[`${r.method} ${path}`];
    if (r.headers.authorization !== `Bearer ${token}`)
      violations.push(`${r.method} ${path}: no bearer token`);
    if (!route) {
      violations.push(`${r.method} ${path}: not a documented route`);
      return json(404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'no such endpoint' });
    }
    const f = fields(r, route);
    const v = versions.get(f.version ?? '');
    switch (`${r.method} ${path}`) {
      case `GET ${UC}/model-versions/get`:
        return v ? json(200, { model_version: wire(f.version!, v, true) }) : missing('model version');
      case `GET ${UC}/registered-models/alias`: {
        const target = aliases.get(f.alias!);
        const held = target === undefined ? undefined : versions.get(target);
        return held ? json(200, { model_version: wire(target!, held, true) }) : missing(`alias ${f.alias}`);
      }
      case `GET ${UC}/registered-models/search`: {
        const size = Number(f.max_results ?? 100);
        const start = f.page_token ? Number(Buffer.from(f.page_token, 'base64url').toString()) : 0;
        const page = listed.slice(start, start + size);
        const next =
          start + size < listed.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
        return json(200, { registered_models: page, ...(next && { next_page_token: next }) });
      }
      case `GET ${UC}/registered-models/get`:
        return json(200, { registered_model: { name: MODEL, aliases: aliasesOf() } });
      case `GET ${UC}/model-versions/search`: {
        // Newest last (no order promised), paged by an opaque token.
        const all = [...versions].sort(([a], [b]) => Number(a) - Number(b));
        const size = Number(f.max_results ?? 10000);
        const start = f.page_token ? Number(Buffer.from(f.page_token, 'base64url').toString()) : 0;
        const page = all.slice(start, start + size).map(([n, x]) => wire(n, x, false));
        const next =
          start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
        return json(200, { model_versions: page, ...(next && { next_page_token: next }) });
      }
      case `POST ${UC}/model-versions/set-tag`:
        if (!v) return missing('model version');
        v.tags.set(f.key!, f.value!);
        return json(200, {});
      case `DELETE ${UC}/model-versions/delete-tag`:
        v?.tags.delete(f.key!);
        return v ? json(200, {}) : missing('model version');
      case `POST ${UC}/registered-models/alias`:
        if (!v) return missing('model version');
        if (v.status !== 'READY')
          return json(400, { error_code: 'INVALID_STATE', message: 'version not READY' });
        aliases.set(f.alias!, f.version!);
        return json(200, {});
      case `DELETE ${UC}/registered-models/alias`:
        aliases.delete(f.alias!);
        return json(200, {});
      default: {
        const metrics = runs.get(f.run_id!);
        if (!metrics) return missing('run');
        const list = Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 }));
        return json(200, {
          run: { info: { run_id: f.run_id, status: 'FINISHED' }, data: { metrics: list, tags: [] } },
        });
      }
    }
  }

  return { versions, aliases, runs, violations, handle };
}

describe('a Unity Catalog registry', () => {
  let server: Awaited<ReturnType<typeof startReceiver>>;
  let uc: ReturnType<typeof fakeUnityCatalog>;
  let registry: ModelRegistry;

  beforeAll(async () => {
    server = await startReceiver((r) => uc.handle(r));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    uc = fakeUnityCatalog();
    server.received.length = 0;
    registry = createRegistry(
      { flavor: 'databricks-uc', trackingUri: `${server.url}/?o=1234`, token },
      { retries: 0 },
    );
  });

  const register = (
    version: string,
    runId: string,
    metrics: Record<string, number>,
    status: FakeVersion['status'],
  ) => {
    uc.versions.set(version, {
      status,
      created: 1_795_366_000_000 + Number(version),
      runId,
      tags: new Map([['git_sha', 'abc123']]),
    });
    uc.runs.set(runId, metrics);
  };
  const worker = () => {
    const policy = aPolicy({ model: MODEL });
    return withNullDeps({
      registry,
      store: new MemoryStore(),
      notifier: new MemoryNotifier(),
      policyFor: (model: string) => (model === MODEL ? policy : undefined),
      now: () => new Date('2026-11-22T12:00:00Z'),
    });
  };

  it('validates a version once it is finalized: tags and the challenger alias through the Unity Catalog paths', async () => {
    // Prepare: a champion (v1), and v2 still being registered.
    register('1', 'run-1', { val_auc: 0.9, val_logloss: 0.409 }, 'READY');
    uc.aliases.set('champion', '1');
    register('2', 'run-2', { val_auc: 0.91, val_logloss: 0.41 }, 'PENDING_REGISTRATION');
    const deps = worker();
    const created = aCreatedEvent({ model: MODEL, version: '2', source: 'reconciler' });

    // Act: before finalize the worker waits; after it, the checks decide.
    await expect(processEvent(created, deps)).rejects.toBeInstanceOf(VersionNotReadyError);
    const written = server.received.filter((r) => r.method !== 'GET').length;
    uc.versions.get('2')!.status = 'READY';
    const outcome = await processEvent({ ...created, deliveryId: 'redelivery' }, deps);

    // Assess
    expect(written).toBe(0);
    expect(outcome.phase).toBe('validated');
    expect(Object.fromEntries(uc.versions.get('2')!.tags)).toMatchObject({
      validation_status: 'PASSED',
      'baton.check.champion.val_logloss': 'PASS: val_logloss 0.41 ≤ champion 0.409 + 0.005',
    });
    expect(uc.aliases.get('challenger')).toBe('2');
    expect(server.received.map((r) => `${r.method} ${new URL(r.path, 'http://uc').pathname}`)).toContain(
      `POST ${UC}/registered-models/alias`,
    );
    expect(uc.violations).toEqual([]);
  });

  it('fails a version whose metric misses the bar: FAILED tag and no challenger alias', async () => {
    register('3', 'run-3', { val_auc: 0.6, val_logloss: 0.5 }, 'READY');

    const outcome = await processEvent(aCreatedEvent({ model: MODEL, version: '3' }), worker());

    expect(outcome.phase).toBe('failed_validation');
    expect(uc.versions.get('3')!.tags.get('validation_status')).toBe('FAILED');
    expect(uc.aliases.has('challenger')).toBe(false);
    expect(uc.violations).toEqual([]);
  });

  it('lists every version newest first across Unity Catalog pages, without order_by', async () => {
    for (let n = 1; n <= 2500; n++) register(String(n), `run-${n}`, {}, 'READY');
    uc.aliases.set('champion', '2400');

    const first = await registry.searchModelVersions({ name: MODEL, maxResults: 200 });

    expect(first.versions.slice(0, 2).map((v) => v.version)).toEqual(['2500', '2499']);
    expect(first.versions.find((v) => v.version === '2400')?.aliases).toEqual(['champion']);
    expect(first.nextPageToken).toBe('offset:200');
    expect(server.received.filter((r) => r.path.includes('/model-versions/search'))).toHaveLength(3);
    expect(uc.violations).toEqual([]);
  });

  it('flags requests off the documented shapes: order_by, a two-level name, no token, an unknown path', async () => {
    const send = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...init.headers },
      });

    await send(`${UC}/model-versions/search?filter=name%3D%27${MODEL}%27&order_by=version_number+DESC`);
    await send(`${UC}/model-versions/get?name=fraud.detector&version=1`);
    await fetch(`${server.url}${UC}/registered-models/get?name=${MODEL}`);
    await send(`${UC}/model-versions/tags`, { method: 'POST', body: '{}' });

    expect(uc.violations).toEqual([
      `GET ${UC}/model-versions/search: (request): unexpected order_by`,
      `GET ${UC}/model-versions/get: name: not of the documented form`,
      `GET ${UC}/registered-models/get: no bearer token`,
      `POST ${UC}/model-versions/tags: not a documented route`,
    ]);
  });

  it('deletes tags and aliases it set, and deleting them again succeeds', async () => {
    register('4', 'run-4', {}, 'READY');
    await registry.setAlias(MODEL, 'challenger', '4');
    await registry.setModelVersionTag(MODEL, '4', 'baton.phase', 'validated');

    await registry.deleteAlias(MODEL, 'challenger');
    await registry.deleteModelVersionTag(MODEL, '4', 'baton.phase');
    await registry.deleteAlias(MODEL, 'challenger');

    expect(await registry.getModelVersionByAlias(MODEL, 'challenger')).toBeNull();
    expect(uc.versions.get('4')!.tags.has('baton.phase')).toBe(false);
    expect(uc.violations).toEqual([]);
  });

  it('lists the metastore’s models page by page for discovery, with paging parameters only', async () => {
    const directory = new HttpModelDirectory(
      new HttpClient({ baseUrl: server.url, auth: { token }, retries: 0 }),
      { dialect: 'unity-catalog', pageSize: 3 },
    );

    const first = await directory.page();
    const second = await directory.page(first.nextPageToken);

    expect(first.models).toEqual([
      { name: 'main.churn.scorer', creationTimestamp: 1_795_366_000_000 },
      { name: MODEL, creationTimestamp: 1_795_366_000_001 },
      { name: 'main.fraud.eu', creationTimestamp: 1_795_366_000_002 },
    ]);
    expect(second).toEqual({ models: [{ name: 'main.fraud.us', creationTimestamp: 1_795_366_000_003 }] });
    expect(uc.violations).toEqual([]);
  });
});
