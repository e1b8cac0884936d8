/**
 * The Databricks serving adapter against a local stand-in for a workspace's Model Serving API.
 * The stand-in plays the endpoint's state machine (a config update is IN_PROGRESS for a few reads,
 * then live; a second update meanwhile is refused with 409) and checks every request against the
 * documented shapes of GET /serving-endpoints/{name}, POST /serving-endpoints and
 * PUT /serving-endpoints/{name}/config, recording each violation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { describeIssues } from '../../events/issues';
import { HttpClient } from '../../lib/adapters/registry/httpClient';
import { DatabricksEndpoint } from '../../lib/adapters/serving/databricksEndpoint';
import {
  DatabricksWeightsMismatchError,
  EndpointNotFoundError,
  UnknownVariantError,
  WeightsMismatchError,
} from '../../lib/adapters/serving/errors';
import type { ServedModel } from '../../lib/domain/servingPorts';
import { type Received, type Reply, startReceiver } from '../support/receiver';

const token = 'dapi-serving-test';

// The documented request shapes (served entities for custom models; routes of traffic_config).
const entityInput = z.strictObject({
  name: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,63}$/)),
  entity_name: z.string().check(z.minLength(1)),
  entity_version: z.string().check(z.regex(/^\d+$/)),
  workload_size: z.enum(['Small', 'Medium', 'Large']),
  scale_to_zero_enabled: z.boolean(),
  workload_type: z.optional(z.string()),
  environment_vars: z.optional(z.record(z.string(), z.string())),
  instance_profile_arn: z.optional(z.string()),
});
const routeInput = z.strictObject({
  served_model_name: z.string(),
  traffic_percentage: z.int().check(z.gte(0), z.lte(100)),
});
const configInput = z.strictObject({
  served_entities: z.array(entityInput).check(z.minLength(1)),
  traffic_config: z.strictObject({ routes: z.array(routeInput).check(z.minLength(1)) }),
});
const createInput = z.strictObject({
  name: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,63}$/)),
  config: configInput,
});
type ConfigInput = z.infer<typeof configInput>;

/** Rules the API enforces beyond field types. */
function configViolations(config: ConfigInput): string[] {
  const names = config.served_entities.map((e) => e.name);
  const routes = config.traffic_config.routes;
  const problems: string[] = [];
  if (new Set(names).size !== names.length) problems.push(`served entity names repeat: ${names}`);
  const sum = routes.reduce((total, r) => total + r.traffic_percentage, 0);
  if (sum !== 100) problems.push(`routes sum to ${sum}, not 100`);
  for (const r of routes) {
    if (!names.includes(r.served_model_name))
      problems.push(`route names no served entity: ${r.served_model_name}`);
  }
  return problems;
}

interface FakeEndpoint {
  ready: 'READY' | 'NOT_READY';
  configUpdate: 'NOT_UPDATING' | 'IN_PROGRESS' | 'UPDATE_FAILED' | 'UPDATE_CANCELED';
  config?: ConfigInput;
  pending?: ConfigInput;
  version: number;
  /** GETs until the pending config goes live; Infinity = an update that never finishes. */
  readsLeft: number;
  /** The next update fails: the old config stays live. */
  failNext?: boolean;
  /** The next PUT meets a concurrent update (Databricks answers 409). */
  conflictNext?: boolean;
}

/** A workspace's serving API: endpoints by name, and every rule broken by a request. */
function fakeServing() {
  const endpoints = new Map<string, FakeEndpoint>();
  const violations: string[] = [];
  const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });
  const missing = (name: string) =>
    json(404, {
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Endpoint with name '${name}' does not exist.`,
    });

  const output = (config: ConfigInput) => ({
    ...config,
    served_entities: config.served_entities.map((e) => ({
      ...e,
      state: { deployment: 'DEPLOYMENT_READY', deployment_state_message: '' },
      creator: 'ml@example.com',
      creation_timestamp: 1717243200000,
    })),
  });

  function read(name: string): Reply {
    const e = endpoints.get(name);
    if (!e) return missing(name);
    if (e.configUpdate === 'IN_PROGRESS' && --e.readsLeft <= 0) {
      if (e.failNext) {
        e.configUpdate = 'UPDATE_FAILED';
        e.failNext = false;
      } else {
        e.config = e.pending;
        e.configUpdate = 'NOT_UPDATING';
        e.ready = 'READY';
      }
      e.pending = undefined;
    }
    return json(200, {
      name,
      id: `id-${name}`,
      creator: 'ml@example.com',
      state: { ready: e.ready, config_update: e.configUpdate },
      ...(e.config && { config: { ...output(e.config), config_version: e.version } }),
      ...(e.pending && { pending_config: { ...output(e.pending), config_version: e.version + 1 } }),
      permission_level: 'CAN_MANAGE',
      route_optimized: false,
    });
  }

  function checked<T>(schema: z.ZodMiniType<T>, r: Received): T | undefined {
    if (r.headers['content-type'] !== 'application/json')
      violations.push(`${r.method} ${r.path}: content-type`);
    const result = schema.safeParse(JSON.parse(r.body));
    if (!result.success) {
      violations.push(`${r.method} ${r.path}: ${describeIssues(result.error.issues)}`);
      return undefined;
    }
    return result.data;
  }

  function handle(r: Received): Reply {
    if (r.headers.authorization !== `Bearer ${token}`) {
      violations.push(`${r.method} ${r.path}: no bearer token`);
      return json(401, { error_code: 'UNAUTHENTICATED', message: 'bad token' });
    }
    const [, name, tail] = /^\/api\/2\.0\/serving-endpoints(?:\/([^/?]+))?(\/config)?$/.exec(r.path) ?? [];
    if (r.method === 'GET' && name && !tail) {
      if (r.body) violations.push(`GET ${r.path}: has a body`);
      return read(decodeURIComponent(name));
    }
    if (r.method === 'POST' && !name) {
      const body = checked(createInput, r);
      if (!body) return json(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad request' });
      violations.push(...configViolations(body.config).map((v) => `POST: ${v}`));
      if (endpoints.has(body.name))
        return json(400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'exists' });
      endpoints.set(body.name, {
        ready: 'NOT_READY',
        configUpdate: 'IN_PROGRESS',
        pending: body.config,
        version: 0,
        readsLeft: 3,
      });
      return read(body.name);
    }
    if (r.method === 'PUT' && name && tail) {
      const e = endpoints.get(decodeURIComponent(name));
      const body = checked(configInput, r);
      if (!body) return json(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad request' });
      violations.push(...configViolations(body).map((v) => `PUT: ${v}`));
      if (!e) return missing(name);
      if (e.conflictNext)
        Object.assign(e, { conflictNext: false, configUpdate: 'IN_PROGRESS', readsLeft: Infinity });
      if (e.configUpdate === 'IN_PROGRESS') {
        return json(409, {
          error_code: 'RESOURCE_CONFLICT',
          message: 'Endpoint is currently being updated.',
        });
      }
      Object.assign(e, { pending: body, configUpdate: 'IN_PROGRESS', readsLeft: 2, version: e.version + 1 });
      return read(decodeURIComponent(name));
    }
    violations.push(`unexpected ${r.method} ${r.path}`);
    return json(404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'no such API' });
  }

  return { endpoints, violations, handle };
}

const fraud = (version: string, extra: Partial<ServedModel> = {}): ServedModel => ({
  model: 'main.ml.fraud',
  version,
  source: `models:/m-${version}`,
  tags: {},
  ...extra,
});
const v3 = fraud('3');
const v4 = fraud('4', {
  tags: { 'databricks.workload_size': 'Medium' },
  settings: { instanceType: 'Large' },
});

let fake: ReturnType<typeof fakeServing>;
let workspace: Awaited<ReturnType<typeof startReceiver>>;
const serving = (readyWaitMs = 2000) =>
  new DatabricksEndpoint({
    http: new HttpClient({ baseUrl: workspace.url, auth: { token }, baseDelayMs: 1 }),
    readyWaitMs,
    pollMs: 5,
  });
const writes = () =>
  workspace.received
    .filter((r) => r.method !== 'GET')
    .map((r) => ({ call: `${r.method} ${r.path}`, body: JSON.parse(r.body) }));

beforeAll(async () => {
  workspace = await startReceiver((r) => fake.handle(r));
});
afterAll(async () => {
  await workspace?.close();
});
beforeEach(() => {
  fake = fakeServing();
  workspace.received.length = 0;
});

/** An endpoint that is live and idle with fraud 3 and 4 at the given weights. */
function liveEndpoint(name: string, w3: number, w4: number) {
  const entity = (v: string) => ({
    name: `main-ml-fraud-${v}`,
    entity_name: 'main.ml.fraud',
    entity_version: v,
    workload_size: 'Small' as const,
    scale_to_zero_enabled: false,
  });
  const config = {
    served_entities: [entity('3'), entity('4')],
    traffic_config: {
      routes: [
        { served_model_name: 'main-ml-fraud-3', traffic_percentage: w3 },
        { served_model_name: 'main-ml-fraud-4', traffic_percentage: w4 },
      ],
    },
  };
  const e: FakeEndpoint = { ready: 'READY', configUpdate: 'NOT_UPDATING', config, version: 1, readsLeft: 0 };
  fake.endpoints.set(name, e);
  return e;
}

describe('a canary rollout on Databricks Model Serving', () => {
  it('creates the endpoint, adds the challenger at 0 %, shifts traffic step by step and keeps only the winner', async () => {
    const adapter = serving();
    const endpoint = 'fraud-prod';

    expect(await adapter.describe(endpoint)).toBeNull();

    const created = await adapter.prepare(endpoint, [v3]);
    expect(created).toEqual({
      endpoint,
      status: 'NOT_UPDATING',
      ready: true,
      variants: [{ variant: 'main-ml-fraud-3', version: '3', weight: 100 }],
    });

    const prepared = await adapter.prepare(endpoint, [v3, v4]);
    expect(prepared.ready).toBe(true);
    expect(prepared.variants).toEqual([
      { variant: 'main-ml-fraud-3', version: '3', weight: 100 },
      { variant: 'main-ml-fraud-4', version: '4', weight: 0 },
    ]);

    const steps: Array<[number, number]> = [
      [90, 10],
      [50, 50],
      [0, 100],
    ];
    for (const [w3, w4] of steps) {
      const traffic = await adapter.setWeights(endpoint, { '3': w3, '4': w4 });
      expect(traffic.ready).toBe(true);
      expect((await adapter.describe(endpoint))?.variants.map((v) => [v.version, v.weight])).toEqual([
        ['3', w3],
        ['4', w4],
      ]);
    }

    const finalised = await adapter.finalise(endpoint, v4);
    expect(finalised).toEqual({
      endpoint,
      status: 'NOT_UPDATING',
      ready: true,
      variants: [{ variant: 'main-ml-fraud-4', version: '4', weight: 100 }],
    });
    expect(await adapter.describe(endpoint)).toEqual(finalised);

    const small = {
      name: 'main-ml-fraud-3',
      entity_name: 'main.ml.fraud',
      entity_version: '3',
      workload_size: 'Small',
      scale_to_zero_enabled: false,
    };
    const medium = { ...small, name: 'main-ml-fraud-4', entity_version: '4', workload_size: 'Medium' };
    const routes = (w3: number, w4: number) => ({
      routes: [
        { served_model_name: 'main-ml-fraud-3', traffic_percentage: w3 },
        { served_model_name: 'main-ml-fraud-4', traffic_percentage: w4 },
      ],
    });
    const put = `PUT /api/2.0/serving-endpoints/${endpoint}/config`;
    expect(writes()).toEqual([
      {
        call: 'POST /api/2.0/serving-endpoints',
        body: {
          name: endpoint,
          config: {
            served_entities: [small],
            traffic_config: { routes: [{ served_model_name: 'main-ml-fraud-3', traffic_percentage: 100 }] },
          },
        },
      },
      { call: put, body: { served_entities: [small, medium], traffic_config: routes(100, 0) } },
      { call: put, body: { served_entities: [small, medium], traffic_config: routes(90, 10) } },
      { call: put, body: { served_entities: [small, medium], traffic_config: routes(50, 50) } },
      { call: put, body: { served_entities: [small, medium], traffic_config: routes(0, 100) } },
      {
        call: put,
        body: {
          served_entities: [medium],
          traffic_config: { routes: [{ served_model_name: 'main-ml-fraud-4', traffic_percentage: 100 }] },
        },
      },
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('repeating a step after a crash sends no second update', async () => {
    liveEndpoint('fraud-repeat', 90, 10);
    const adapter = serving();

    await adapter.prepare('fraud-repeat', [v3, v4]);
    const traffic = await adapter.setWeights('fraud-repeat', { '3': 90, '4': 10 });

    expect(traffic.ready).toBe(true);
    expect(writes()).toEqual([]);
    expect(fake.violations).toEqual([]);
  });
});

describe('an endpoint busy with another update', () => {
  it('waits a bounded time, then reports ready=false without sending an update', async () => {
    const e = liveEndpoint('fraud-busy', 100, 0);
    Object.assign(e, { configUpdate: 'IN_PROGRESS', readsLeft: Infinity, pending: e.config });
    const adapter = serving(300);

    const started = Date.now();
    const traffic = await adapter.setWeights('fraud-busy', { '3': 90, '4': 10 });
    const prepared = await adapter.prepare('fraud-busy', [v3, fraud('5')]);

    // Each call waited for the update (300 ms), and no longer.
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(traffic).toMatchObject({ endpoint: 'fraud-busy', status: 'IN_PROGRESS', ready: false });
    expect(prepared).toMatchObject({ status: 'IN_PROGRESS', ready: false });
    expect(writes()).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('reports ready=false when an update starts between the read and the write (409)', async () => {
    const e = liveEndpoint('fraud-race', 100, 0);
    e.conflictNext = true;

    const traffic = await serving(200).setWeights('fraud-race', { '3': 90, '4': 10 });

    expect(traffic.ready).toBe(false);
    expect((await serving().describe('fraud-race'))?.variants.map((v) => v.weight)).toEqual([100, 0]);
    expect(fake.violations).toEqual([]);
  });
});

describe('weights the endpoint does not take', () => {
  it('throws a WeightsMismatchError when the update fails and the old weights stay live', async () => {
    const e = liveEndpoint('fraud-failed', 100, 0);
    e.failNext = true;

    const error = await serving()
      .setWeights('fraud-failed', { '3': 90, '4': 10 })
      .catch((err: unknown) => err);

    expect(error).toBeInstanceOf(DatabricksWeightsMismatchError);
    expect(error).toBeInstanceOf(WeightsMismatchError);
    expect(error).toMatchObject({
      endpoint: 'fraud-failed',
      asked: { '3': 90, '4': 10 },
      reported: { '3': 100, '4': 0 },
      configUpdate: 'UPDATE_FAILED',
    });
    expect(fake.violations).toEqual([]);
  });

  it('refuses weights for a version the endpoint does not serve, without sending an update', async () => {
    liveEndpoint('fraud-unknown', 100, 0);

    await expect(serving().setWeights('fraud-unknown', { '3': 50, '7': 50 })).rejects.toThrow(
      UnknownVariantError,
    );
    expect(writes()).toEqual([]);
  });

  it('refuses to set weights on an endpoint that does not exist', async () => {
    await expect(serving().setWeights('fraud-nowhere', { '3': 100 })).rejects.toThrow(EndpointNotFoundError);
    expect(fake.violations).toEqual([]);
  });
});
