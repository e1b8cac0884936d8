/**
 * The MLflow registry adapter against a stubbed fetch: retries, typed errors, auth headers, the
 * search query MLflow receives and the mapping of its JSON. No network.
 */
import { describe, expect, it } from 'vitest';
import {
  RegistryRequestError,
  RegistryResponseError,
  RegistryUnavailableError,
} from '../../lib/adapters/registry/errors';
import type { RequestRecord } from '../../lib/adapters/registry/httpClient';
import { MlflowRegistry, type MlflowRegistryOptions } from '../../lib/adapters/registry/mlflowRegistry';
import { createRegistry } from '../../lib/wiring/createRegistry';

type Reply = Response | Error | ((signal: AbortSignal) => Promise<Response>);
interface Call {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const mlflowError = (status: number, error_code: string, message: string) =>
  json({ error_code, message }, status);

// What MLflow 3.17.2 answers for model-versions/get (timestamps as strings, as other encoders send).
const modelVersionJson = {
  name: "fraud's detector",
  version: '3',
  creation_timestamp: '1795367464294',
  last_updated_timestamp: 1795367470000,
  current_stage: 'None',
  description: '',
  user_id: 'alice@example.com',
  source: 'runs:/b436a21044324086b0f2f58c8a77de1d/model',
  run_id: 'b436a21044324086b0f2f58c8a77de1d',
  status: 'READY',
  tags: [
    { key: 'git_sha', value: 'abc123' },
    { key: 'empty', value: '' },
  ],
  run_link: '',
  aliases: ['challenger'],
};

/** A registry on a fetch that plays `replies` in order and records every request. */
function registryWith(replies: Reply[], options: Partial<MlflowRegistryOptions> = {}) {
  const calls: Call[] = [];
  const sleeps: number[] = [];
  const records: RequestRecord[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    calls.push({
      url: new URL(String(input)),
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    const reply = replies.shift();
    if (reply === undefined) throw new Error('no reply left in the stub');
    if (reply instanceof Error) throw reply;
    return reply instanceof Response ? reply : reply(init.signal!);
  };
  const registry = new MlflowRegistry({
    baseUrl: 'http://mlflow.test/',
    fetch: fetch as typeof globalThis.fetch,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    onRequest: (record) => records.push(record),
    ...options,
  });
  return { registry, calls, sleeps, records };
}

describe('retries', () => {
  it('retries a 503 and returns the answer that follows', async () => {
    const { registry, calls, sleeps } = registryWith([
      json({}, 503),
      json({ model_version: modelVersionJson }),
    ]);

    const version = await registry.getModelVersion('fraud', '3');

    expect(version?.version).toBe('3');
    expect(calls).toHaveLength(2);
    expect(sleeps).toEqual([50]); // full jitter: random 0.5 × base 100 ms
  });

  it('retries a network error', async () => {
    const { registry, calls } = registryWith([
      new TypeError('fetch failed'),
      json({ model_version: modelVersionJson }),
    ]);

    await expect(registry.getModelVersion('fraud', '3')).resolves.toMatchObject({ version: '3' });
    expect(calls).toHaveLength(2);
  });

  it('gives up with RegistryUnavailableError after the configured retries, backing off exponentially', async () => {
    const { registry, calls, sleeps } = registryWith([json({}, 502), json({}, 503), json({}, 503)], {
      retries: 2,
      random: () => 0.999,
    });

    const error = await registry.getRun('r1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect(error).toMatchObject({ status: 503, retryable: true, name: 'RegistryUnavailableError' });
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([99, 199]);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const { registry, sleeps } = registryWith(
      [json({}, 500), json({}, 500), json({}, 500), json({}, 500), json({}, 500)],
      { retries: 4, random: () => 0.999, baseDelayMs: 400, maxDelayMs: 1000 },
    );

    await expect(registry.getRun('r1')).rejects.toThrow(RegistryUnavailableError);
    expect(sleeps).toEqual([399, 799, 999, 999]);
  });

  it('turns a request that outlives timeoutMs into RegistryUnavailableError', async () => {
    const hang = (signal: AbortSignal) =>
      new Promise<Response>((_, fail) => signal.addEventListener('abort', () => fail(signal.reason)));
    const { registry, calls } = registryWith([hang, hang], { retries: 1, timeoutMs: 20 });

    await expect(registry.getModelVersion('fraud', '3')).rejects.toThrow(/TimeoutError.*2 attempts/);
    expect(calls).toHaveLength(2);
  });

  it('honours Retry-After seconds on a 429, capped at maxRetryAfterMs', async () => {
    const { registry, sleeps } = registryWith([
      json({}, 429, { 'retry-after': '1' }),
      json({}, 429, { 'retry-after': '120' }),
      json({ model_version: modelVersionJson }),
    ]);

    await registry.getModelVersion('fraud', '3');

    expect(sleeps).toEqual([1000, 5000]);
  });

  it('reports every attempt to onRequest', async () => {
    const { registry, records } = registryWith([json({}, 503), json({ model_version: modelVersionJson })]);

    await registry.getModelVersion('fraud', '3');

    expect(records.map(({ method, path, status, attempt }) => [method, path, status, attempt])).toEqual([
      ['GET', '/api/2.0/mlflow/model-versions/get', 503, 0],
      ['GET', '/api/2.0/mlflow/model-versions/get', 200, 1],
    ]);
  });
});

describe('errors and absence', () => {
  it('does not retry a 400 and carries MLflow error_code and message', async () => {
    const { registry, calls } = registryWith([
      mlflowError(400, 'INVALID_PARAMETER_VALUE', 'Invalid value for max_results'),
    ]);

    const error = await registry.searchModelVersions({ maxResults: -1 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryRequestError);
    expect(error).toMatchObject({
      status: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
      detail: 'Invalid value for max_results',
      retryable: false,
    });
    expect(calls).toHaveLength(1);
  });

  it('returns null for a missing model version and a missing run', async () => {
    const notFound = () => mlflowError(404, 'RESOURCE_DOES_NOT_EXIST', 'not found');
    const { registry } = registryWith([notFound(), notFound()]);

    expect(await registry.getModelVersion('fraud', '99')).toBeNull();
    expect(await registry.getRun('0123456789abcdef0123456789abcdef')).toBeNull();
  });

  it('returns null for an alias that is not set (MLflow answers 400)', async () => {
    const { registry } = registryWith([
      mlflowError(400, 'INVALID_PARAMETER_VALUE', 'Registered model alias champion not found.'),
    ]);

    expect(await registry.getModelVersionByAlias('fraud', 'champion')).toBeNull();
  });

  it('treats a 404 without an MLflow error body as a wrong URL, not as absence', async () => {
    const { registry } = registryWith([new Response('<html>Not Found</html>', { status: 404 })]);

    await expect(registry.getModelVersion('fraud', '3')).rejects.toMatchObject({
      status: 404,
      errorCode: 'HTTP_404',
    });
  });

  it('rejects a 200 whose body is not a model version', async () => {
    const { registry } = registryWith([json({ model_version: { name: 'fraud' } })]);

    await expect(registry.getModelVersion('fraud', '3')).rejects.toThrow(RegistryResponseError);
  });

  it('deletes a tag and an alias with a JSON body, and succeeds when the model is gone', async () => {
    const gone = () => mlflowError(404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=x not found');
    const { registry, calls } = registryWith([gone(), gone()]);

    await registry.deleteModelVersionTag('fraud', '3', 'validation_status');
    await registry.deleteAlias('fraud', 'challenger');

    expect(calls.map((c) => [c.method, c.url.pathname, c.body])).toEqual([
      [
        'DELETE',
        '/api/2.0/mlflow/model-versions/delete-tag',
        { name: 'fraud', version: '3', key: 'validation_status' },
      ],
      ['DELETE', '/api/2.0/mlflow/registered-models/alias', { name: 'fraud', alias: 'challenger' }],
    ]);
  });
});

describe('auth', () => {
  it('sends a bearer token', async () => {
    const { registry, calls } = registryWith([json({})], { token: 'dapi-secret' });

    await registry.setAlias('fraud', 'champion', '3');

    expect(calls[0]?.headers.authorization).toBe('Bearer dapi-secret');
  });

  it('sends basic auth', async () => {
    const { registry, calls } = registryWith([json({})], {
      basicAuth: { username: 'baton', password: 'p@ss:word' },
    });

    await registry.setModelVersionTag('fraud', '3', 'validation_status', 'PASSED');

    expect(calls[0]?.headers.authorization).toBe(`Basic ${btoa('baton:p@ss:word')}`);
    expect(calls[0]?.body).toEqual({
      name: 'fraud',
      version: '3',
      key: 'validation_status',
      value: 'PASSED',
    });
  });

  it('points the databricks flavour at the workspace origin with the PAT as bearer token', async () => {
    const seen: string[] = [];
    const fetch = async (input: string | URL | Request, init: RequestInit = {}) => {
      seen.push(String(input), (init.headers as Record<string, string>).authorization ?? '');
      return json({});
    };
    const registry = createRegistry(
      { flavor: 'databricks', trackingUri: 'https://dbc-1234.cloud.databricks.com/?o=42#ml', token: 'dapi1' },
      { fetch: fetch as typeof globalThis.fetch },
    );

    await registry.deleteAlias('fraud', 'challenger');

    expect(seen).toEqual([
      'https://dbc-1234.cloud.databricks.com/api/2.0/mlflow/registered-models/alias',
      'Bearer dapi1',
    ]);
    expect(() =>
      createRegistry({ flavor: 'databricks', trackingUri: 'https://dbc-1.cloud.databricks.com' }),
    ).toThrow(/needs a token/);
  });
});

describe('search', () => {
  it('quotes a name containing a single quote so MLflow matches it, and repeats order_by', async () => {
    const { registry, calls } = registryWith([
      json({ model_versions: [modelVersionJson], next_page_token: 'tok2' }),
      json({
        registered_model: { name: "fraud's detector", aliases: [{ alias: 'champion', version: '3' }] },
      }),
    ]);

    const page = await registry.searchModelVersions({
      name: "fraud's detector",
      orderBy: ['version_number DESC', 'creation_timestamp ASC'],
      maxResults: 2,
      pageToken: 'tok1',
    });

    const query = calls[0]!.url.searchParams;
    expect(query.get('filter')).toBe(`name = "fraud's detector"`);
    expect(query.getAll('order_by')).toEqual(['version_number DESC', 'creation_timestamp ASC']);
    expect([query.get('max_results'), query.get('page_token')]).toEqual(['2', 'tok1']);
    expect(calls[0]!.url.search).toContain('filter=name+%3D+%22fraud%27s+detector%22');
    expect(page.nextPageToken).toBe('tok2');
    expect(page.versions.map((v) => [v.version, v.aliases])).toEqual([['3', ['challenger', 'champion']]]);
  });

  it('asks for newest first and single-quotes a plain name', async () => {
    const { registry, calls } = registryWith([json({})]);

    expect(await registry.searchModelVersions({ name: 'fraud' })).toEqual({ versions: [] });
    expect(calls[0]!.url.searchParams.get('filter')).toBe("name = 'fraud'");
    expect(calls[0]!.url.searchParams.getAll('order_by')).toEqual([
      'creation_timestamp DESC',
      'version_number DESC',
    ]);
  });

  it('matches a name with both quote kinds by LIKE and keeps only exact matches', async () => {
    const name = `it's "q"`;
    const { registry, calls } = registryWith([
      json({
        model_versions: [
          { ...modelVersionJson, name },
          { ...modelVersionJson, name: 'it_s _q_' },
        ],
      }),
      json({ registered_model: { name } }),
    ]);

    const page = await registry.searchModelVersions({ name });

    expect(calls[0]!.url.searchParams.get('filter')).toBe("name LIKE 'it_s _q_'");
    expect(page.versions.map((v) => v.name)).toEqual([name]);
  });
});

describe('mapping', () => {
  it('maps an MLflow model version into ModelVersionInfo', async () => {
    const { registry } = registryWith([json({ model_version: modelVersionJson })]);

    expect(await registry.getModelVersion("fraud's detector", '3')).toEqual({
      name: "fraud's detector",
      version: '3',
      status: 'READY',
      runId: 'b436a21044324086b0f2f58c8a77de1d',
      source: 'runs:/b436a21044324086b0f2f58c8a77de1d/model',
      description: undefined,
      userId: 'alice@example.com',
      tags: { git_sha: 'abc123', empty: '' },
      aliases: ['challenger'],
      creationTimestamp: 1795367464294,
      lastUpdatedTimestamp: 1795367470000,
    });
  });

  it('maps a run with the latest value of each metric', async () => {
    const { registry } = registryWith([
      json({
        run: {
          info: { run_uuid: 'r1', run_id: 'r1', user_id: 'bob', status: 'FINISHED', experiment_id: '1' },
          data: {
            metrics: [
              { key: 'val_auc', value: 0.91, timestamp: 20, step: 5 },
              { key: 'val_auc', value: 0.7, timestamp: 30, step: 1 },
              { key: 'val_loss', value: 0.4, timestamp: 10, step: 0 },
              { key: 'val_loss', value: 0.3, timestamp: 11, step: 0 },
              { key: 'drift', value: 'NaN', timestamp: 1, step: 0 },
            ],
            tags: [{ key: 'mlflow.runName', value: 'rebellious-cod-625' }],
            params: [{ key: 'lr', value: '0.1' }],
          },
          inputs: {},
        },
      }),
    ]);

    expect(await registry.getRun('r1')).toEqual({
      runId: 'r1',
      status: 'FINISHED',
      metrics: { val_auc: 0.91, val_loss: 0.3, drift: Number.NaN },
      tags: { 'mlflow.runName': 'rebellious-cod-625' },
      userId: 'bob',
    });
  });

  it.each([
    ['NaN spelled as a string', 'NaN', Number.NaN],
    ['Infinity spelled as a string', 'Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity spelled as a string', '-Infinity', Number.NEGATIVE_INFINITY],
    [
      'Infinity as a SQL store saves it (the largest double)',
      1.7976931348623157e308,
      Number.POSITIVE_INFINITY,
    ],
    ['-Infinity as a SQL store saves it', -1.7976931348623157e308, Number.NEGATIVE_INFINITY],
    ['an ordinary number', 0.91, 0.91],
  ])('reads a metric given as %s', async (_, value, expected) => {
    const { registry } = registryWith([
      json({
        run: {
          info: { run_id: 'r1', status: 'FINISHED' },
          data: { metrics: [{ key: 'val_auc', value, timestamp: 1, step: 0 }] },
        },
      }),
    ]);

    const run = await registry.getRun('r1');

    expect(run?.metrics.val_auc).toBe(expected);
  });
});
