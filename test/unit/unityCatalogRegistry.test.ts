/**
 * The Unity Catalog registry adapter against a stubbed fetch: three-level names, the search that
 * takes one condition and no order_by (sorted and paged by the adapter), statuses before
 * `finalize`, and the alias and tag requests Unity Catalog receives. No network.
 */
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../lib/adapters/registry/errors';
import { UnityCatalogRegistry } from '../../lib/adapters/registry/unityCatalogRegistry';
import { createRegistry } from '../../lib/wiring/createRegistry';
import { aRun } from '../support/builders';

interface Call {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

const MODEL = 'main.fraud.detector';
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A Unity Catalog model version as the registry sends it (int64 as strings, aliases as objects). */
function ucVersion(version: number, created: number, extra: Record<string, unknown> = {}) {
  return {
    name: MODEL,
    version: String(version),
    creation_timestamp: String(created),
    last_updated_timestamp: String(created),
    user_id: 'alice@example.com',
    source: `models:/m-${version}`,
    run_id: `run-${version}`,
    status: 'READY',
    storage_location: `s3://uc/models/${version}`,
    ...extra,
  };
}

/** An adapter on a fetch that answers with `reply` and records every request. */
function ucWith(reply: (call: Call) => Response, searchPageSize?: number) {
  const calls: Call[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const call: Call = {
      method: init.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: (init.headers as Record<string, string>).authorization,
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    };
    calls.push(call);
    return reply(call);
  };
  const runs = { getRun: async (runId: string) => aRun({ val_auc: 0.9 }, { runId }) };
  const registry = new UnityCatalogRegistry({
    baseUrl: 'https://dbc-1.cloud.databricks.com',
    token: 'dapi-uc',
    runs,
    fetch: fetch as typeof globalThis.fetch,
    sleep: async () => undefined,
    searchPageSize,
  });
  return { registry, calls };
}

describe('Unity Catalog model names', () => {
  it.each([
    [
      'fraud',
      '"fraud" is not a Unity Catalog model name: expected catalog.schema.model (three parts, no quotes)',
    ],
    [
      'main.fraud',
      '"main.fraud" is not a Unity Catalog model name: expected catalog.schema.model (three parts, no quotes)',
    ],
    [
      'a.b.c.d',
      '"a.b.c.d" is not a Unity Catalog model name: expected catalog.schema.model (three parts, no quotes)',
    ],
    [
      'main..detector',
      '"main..detector" is not a Unity Catalog model name: expected catalog.schema.model (three parts, no quotes)',
    ],
    [
      "main.fraud.o'brien",
      `"main.fraud.o'brien" is not a Unity Catalog model name: expected catalog.schema.model (three parts, no quotes)`,
    ],
  ])('refuses %s before sending anything', async (name, message) => {
    const { registry, calls } = ucWith(() => json({}));

    await expect(registry.getModelVersion(name, '1')).rejects.toThrow(message);
    await expect(registry.setAlias(name, 'challenger', '1')).rejects.toThrow(RegistryError);

    expect(calls).toEqual([]);
  });

  it('reads a version of a three-level model from the Unity Catalog path with the bearer token', async () => {
    const { registry, calls } = ucWith(() =>
      json({
        model_version: ucVersion(7, 1_795_366_000_000, { aliases: [{ alias: 'champion', version: '7' }] }),
      }),
    );

    const version = await registry.getModelVersion(MODEL, '7');

    expect(calls).toEqual([
      {
        method: 'GET',
        path: '/api/2.0/mlflow/unity-catalog/model-versions/get',
        query: { name: MODEL, version: '7' },
        authorization: 'Bearer dapi-uc',
        body: undefined,
      },
    ]);
    expect(version).toMatchObject({ name: MODEL, version: '7', aliases: ['champion'], runId: 'run-7' });
  });

  it('reads a missing version as null', async () => {
    const { registry } = ucWith(() =>
      json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model version does not exist' }, 404),
    );

    expect(await registry.getModelVersion(MODEL, '99')).toBeNull();
  });
});

describe('searching a Unity Catalog model', () => {
  // Three registry pages, out of order, one of them empty but still naming a next page.
  const pages: Record<string, { model_versions?: unknown[]; next_page_token?: string }> = {
    '': { model_versions: [ucVersion(2, 2000), ucVersion(5, 5000)], next_page_token: 't1' },
    t1: { model_versions: [], next_page_token: 't2' },
    t2: { model_versions: [ucVersion(4, 4000), ucVersion(1, 1000), ucVersion(3, 3000)] },
  };
  const search = () =>
    ucWith((call) => {
      if (call.path.endsWith('/registered-models/get')) {
        return json({ registered_model: { name: MODEL, aliases: [{ alias: 'champion', version: '4' }] } });
      }
      return json(pages[call.query.page_token ?? '']);
    }, 2);

  it('sends one name condition and no order_by, and follows every page token', async () => {
    const { registry, calls } = search();

    await registry.searchModelVersions({ name: MODEL });

    expect(calls.filter((c) => c.path.endsWith('/model-versions/search')).map((c) => c.query)).toEqual([
      { filter: `name='${MODEL}'`, max_results: '2' },
      { filter: `name='${MODEL}'`, max_results: '2', page_token: 't1' },
      { filter: `name='${MODEL}'`, max_results: '2', page_token: 't2' },
    ]);
  });

  it('sorts the versions newest first itself, with the aliases read from the model', async () => {
    const { registry } = search();

    const { versions, nextPageToken } = await registry.searchModelVersions({ name: MODEL });

    expect(versions.map((v) => [v.version, v.aliases])).toEqual([
      ['5', []],
      ['4', ['champion']],
      ['3', []],
      ['2', []],
      ['1', []],
    ]);
    expect(nextPageToken).toBeUndefined();
  });

  it('pages the sorted versions with its own token', async () => {
    const { registry } = search();

    const first = await registry.searchModelVersions({ name: MODEL, maxResults: 2 });
    const second = await registry.searchModelVersions({
      name: MODEL,
      maxResults: 2,
      pageToken: first.nextPageToken,
    });
    const last = await registry.searchModelVersions({
      name: MODEL,
      maxResults: 2,
      pageToken: second.nextPageToken,
    });

    expect([first, second, last].map((p) => [p.versions.map((v) => v.version), p.nextPageToken])).toEqual([
      [['5', '4'], 'offset:2'],
      [['3', '2'], 'offset:4'],
      [['1'], undefined],
    ]);
  });

  it('honours an oldest-first order and refuses one it cannot sort by', async () => {
    const { registry } = search();

    const oldest = await registry.searchModelVersions({ name: MODEL, orderBy: ['creation_timestamp ASC'] });

    expect(oldest.versions.map((v) => v.version)).toEqual(['1', '2', '3', '4', '5']);
    await expect(
      registry.searchModelVersions({ name: MODEL, orderBy: ['current_stage DESC'] }),
    ).rejects.toThrow(
      'Unity Catalog versions cannot be ordered by "current_stage DESC" (Baton sorts by creation_timestamp, last_updated_timestamp, version_number)',
    );
  });

  it('answers a search across every model with an empty page, without asking Unity Catalog', async () => {
    const { registry, calls } = search();

    const page = await registry.searchModelVersions({
      orderBy: ['creation_timestamp DESC'],
      maxResults: 200,
    });

    expect(page).toEqual({ versions: [] });
    expect(calls).toEqual([]);
  });
});

describe('versions before finalize', () => {
  it.each([
    ['PENDING_REGISTRATION', 'PENDING_REGISTRATION'],
    ['UNSPECIFIED', 'PENDING_REGISTRATION'],
    [undefined, 'PENDING_REGISTRATION'],
    ['FAILED_REGISTRATION', 'FAILED_REGISTRATION'],
    ['READY', 'READY'],
  ])('reads status %s as %s', async (status, expected) => {
    const { registry } = ucWith(() => json({ model_version: ucVersion(3, 3000, { status }) }));

    const version = await registry.getModelVersion(MODEL, '3');

    expect(version?.status).toBe(expected);
  });
});

describe('aliases and tags', () => {
  it.each([
    [
      'sets an alias',
      (r: UnityCatalogRegistry) => r.setAlias(MODEL, 'challenger', '7'),
      'POST',
      '/api/2.0/mlflow/unity-catalog/registered-models/alias',
      { name: MODEL, alias: 'challenger', version: '7' },
    ],
    [
      'deletes an alias',
      (r: UnityCatalogRegistry) => r.deleteAlias(MODEL, 'challenger'),
      'DELETE',
      '/api/2.0/mlflow/unity-catalog/registered-models/alias',
      { name: MODEL, alias: 'challenger' },
    ],
    [
      'sets a tag',
      (r: UnityCatalogRegistry) => r.setModelVersionTag(MODEL, '7', 'validation_status', 'PASSED'),
      'POST',
      '/api/2.0/mlflow/unity-catalog/model-versions/set-tag',
      { name: MODEL, version: '7', key: 'validation_status', value: 'PASSED' },
    ],
    [
      'deletes a tag',
      (r: UnityCatalogRegistry) => r.deleteModelVersionTag(MODEL, '7', 'validation_status'),
      'DELETE',
      '/api/2.0/mlflow/unity-catalog/model-versions/delete-tag',
      { name: MODEL, version: '7', key: 'validation_status' },
    ],
  ])('%s with one JSON request', async (_, act, method, path, body) => {
    const { registry, calls } = ucWith(() => json({}));

    await act(registry);

    expect(calls).toEqual([{ method, path, query: {}, authorization: 'Bearer dapi-uc', body }]);
  });

  it.each([
    ['RESOURCE_DOES_NOT_EXIST', 404],
    ['INVALID_PARAMETER_VALUE', 400],
  ])('treats an unset alias (%s) as already deleted and as no version', async (code, status) => {
    const { registry } = ucWith(() =>
      json({ error_code: code, message: 'Registered model alias challenger not found.' }, status),
    );

    await expect(registry.deleteAlias(MODEL, 'challenger')).resolves.toBeUndefined();
    expect(await registry.getModelVersionByAlias(MODEL, 'challenger')).toBeNull();
  });

  it('reads a version by alias from the registered-models/alias path', async () => {
    const { registry, calls } = ucWith(() =>
      json({ model_version: ucVersion(4, 4000, { aliases: [{ alias: 'champion', version: '4' }] }) }),
    );

    const champion = await registry.getModelVersionByAlias(MODEL, 'champion');

    expect(calls.map((c) => [c.method, c.path, c.query])).toEqual([
      ['GET', '/api/2.0/mlflow/unity-catalog/registered-models/alias', { name: MODEL, alias: 'champion' }],
    ]);
    expect(champion?.version).toBe('4');
  });
});

describe('the databricks-uc flavour', () => {
  it('reads runs from the workspace tracking server, not from Unity Catalog', async () => {
    const { registry, calls } = ucWith(() => json({}));

    const run = await registry.getRun('run-7');

    expect(run?.metrics).toEqual({ val_auc: 0.9 });
    expect(calls).toEqual([]);
  });

  it('needs a token', () => {
    expect(() =>
      createRegistry({ flavor: 'databricks-uc', trackingUri: 'https://dbc-1.cloud.databricks.com' }),
    ).toThrow('invalid registry configuration: the databricks-uc flavour needs a token (PAT)');
  });
});
