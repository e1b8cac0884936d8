/**
 * The serving port on Databricks Model Serving (REST API 2.0). Each model version is a served
 * entity named `<model>-<version>` (characters other than letters, digits, `-` and `_` become
 * `-`) with `entity_name` = the registered model and `entity_version` = the version; weights are
 * the endpoint's `traffic_config.routes`. Every change is one `PUT …/config` stating the whole
 * config, so a repeat after a crash is harmless.
 *
 * Conventions read from a version's tags: `databricks.workload_size` (else the policy's
 * `rollout.endpoint` instanceType, else `Small`). Scale to zero stays off: a canary must not
 * judge a challenger by its cold starts.
 *
 * Databricks refuses a config update while another is IN_PROGRESS, and an update takes minutes.
 * So each operation waits at most `readyWaitMs` in all; when the endpoint is still busy it
 * returns `ready: false` and the caller checks again later. `describe` reports the live config;
 * the other operations report the config the endpoint is moving to (`pending_config` while an
 * update is in progress). A 409 on a PUT (an update started since the read) is reported the same
 * way. prepare creates a missing endpoint; setWeights and finalise throw EndpointNotFoundError.
 * Endpoints that list only the deprecated `served_models` are not read.
 *
 * @example
 *   const http = new HttpClient({ baseUrl: 'https://dbc-1234.cloud.databricks.com', auth: { token } });
 *   const serving = new DatabricksEndpoint({ http });
 *   await serving.prepare('fraud-prod', [champion, challenger]); // challenger joins at 0 %
 *   await serving.setWeights('fraud-prod', { '3': 90, '4': 10 });
 */
import * as z from 'zod/mini';
import { describeIssues } from '../../events/issues';
import type { HttpClient, HttpMethod } from '../registry/httpClient';
import {
  DatabricksRequestError,
  DatabricksResponseError,
  DatabricksWeightsError,
  DatabricksWeightsMismatchError,
  databricksError,
} from './databricksErrors';
import { EndpointNotFoundError, ServingError, UnknownVariantError } from './errors';
import {
  type EndpointTraffic,
  type ServedModel,
  type ServingEndpoint,
  type Weights,
  weightsOf,
} from './ports';

/** The served-entity fields a config update accepts; GET returns more (state, creator…), which are dropped. */
const servedEntitySchema = z.object({
  name: z.string(),
  entity_name: z.optional(z.string()),
  entity_version: z.optional(z.string()),
  workload_size: z.optional(z.string()),
  workload_type: z.optional(z.string()),
  scale_to_zero_enabled: z.optional(z.boolean()),
  environment_vars: z.optional(z.record(z.string(), z.string())),
  instance_profile_arn: z.optional(z.string()),
});
const routeSchema = z.object({
  served_model_name: z.optional(z.string()),
  served_entity_name: z.optional(z.string()),
  traffic_percentage: z.number(),
});
const configSchema = z.object({
  served_entities: z._default(z.array(servedEntitySchema), []),
  traffic_config: z.optional(z.object({ routes: z._default(z.array(routeSchema), []) })),
});
const endpointSchema = z.object({
  name: z.string(),
  state: z.object({ ready: z.string(), config_update: z._default(z.string(), 'NOT_UPDATING') }),
  config: z.optional(configSchema),
  pending_config: z.optional(configSchema),
});

type Endpoint = z.infer<typeof endpointSchema>;
type Config = z.infer<typeof configSchema>;
type Entity = z.infer<typeof servedEntitySchema>;
type Route = { served_model_name: string; traffic_percentage: number };

export interface DatabricksEndpointOptions {
  /** An HttpClient on the workspace URL with a bearer token (PAT or OAuth). */
  http: Pick<HttpClient, 'request'>;
  /** The most one operation waits for an update to finish; default 20000 ms. */
  readyWaitMs?: number;
  /** Between two reads of the endpoint while waiting; default 2000 ms. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * The served-entity name Baton gives a model version.
 *
 * @example
 *   servedEntityName('main.ml.fraud', '4'); // 'main-ml-fraud-4'
 */
export function servedEntityName(model: string, version: string): string {
  return `${model.replace(/[^A-Za-z0-9_-]/g, '-')}-${version}`;
}

const inProgress = (e: Endpoint) => e.state.config_update === 'IN_PROGRESS';
const isReady = (e: Endpoint) => e.state.ready === 'READY' && !inProgress(e);
const serves = (m: ServedModel) => (e: Entity) =>
  e.entity_version === m.version && (e.entity_name === undefined || e.entity_name === m.model);

function entityFor(m: ServedModel): Entity {
  return {
    name: servedEntityName(m.model, m.version),
    entity_name: m.model,
    entity_version: m.version,
    workload_size: m.tags['databricks.workload_size'] ?? m.settings?.instanceType ?? 'Small',
    scale_to_zero_enabled: false,
  };
}

/** Percent per served-entity name; a lone entity without routes gets all traffic, as Databricks does. */
function sharesOf(config: Config | undefined): Map<string, number> {
  const shares = new Map<string, number>();
  for (const r of config?.traffic_config?.routes ?? []) {
    const name = r.served_entity_name ?? r.served_model_name;
    if (name) shares.set(name, (shares.get(name) ?? 0) + r.traffic_percentage);
  }
  const only = config?.served_entities.length === 1 ? config.served_entities[0] : undefined;
  if (only && shares.size === 0) shares.set(only.name, 100);
  return shares;
}

/** One route per entity, as given by `weightOf`; all to the first entity when that gives none. */
function routesFor(entities: Entity[], weightOf: (e: Entity, index: number) => number): Route[] {
  const routes = entities.map((e, i) => ({ served_model_name: e.name, traffic_percentage: weightOf(e, i) }));
  if (routes.length > 0 && routes.every((r) => r.traffic_percentage === 0))
    routes[0]!.traffic_percentage = 100;
  return routes;
}

function trafficOf(e: Endpoint, which: 'live' | 'target'): EndpointTraffic {
  const config = which === 'target' && inProgress(e) ? (e.pending_config ?? e.config) : e.config;
  const shares = sharesOf(config);
  return {
    endpoint: e.name,
    status: e.state.config_update,
    ready: isReady(e),
    variants: (config?.served_entities ?? []).map((s) => ({
      variant: s.name,
      version: s.entity_version ?? '',
      weight: shares.get(s.name) ?? 0,
    })),
  };
}

const busy = (e: Endpoint): EndpointTraffic => ({ ...trafficOf(e, 'live'), ready: false });

function sameWeights(a: Weights, b: Weights): boolean {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((v) => (a[v] ?? 0) === (b[v] ?? 0));
}

function checkWeights(endpoint: string, weights: Weights): void {
  const values = Object.values(weights);
  if (!values.every((w) => Number.isInteger(w) && w >= 0 && w <= 100)) {
    throw new DatabricksWeightsError(endpoint, weights, 'weights must be whole percentages');
  }
  if (values.reduce((sum, w) => sum + w, 0) !== 100) {
    throw new DatabricksWeightsError(endpoint, weights, 'weights must sum to 100');
  }
}

export class DatabricksEndpoint implements ServingEndpoint {
  readonly kind = 'databricks' as const;
  private readonly readyWaitMs: number;
  private readonly pollMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: DatabricksEndpointOptions) {
    this.readyWaitMs = options.readyWaitMs ?? 20_000;
    this.pollMs = options.pollMs ?? 2000;
    this.sleep = options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms)));
    this.now = options.now ?? Date.now;
  }

  async describe(endpoint: string): Promise<EndpointTraffic | null> {
    const e = await this.get(endpoint);
    return e && trafficOf(e, 'live');
  }

  async prepare(endpoint: string, versions: ServedModel[]): Promise<EndpointTraffic> {
    if (versions.length === 0) throw new ServingError(`prepare ${endpoint}: no versions given`);
    const deadline = this.now() + this.readyWaitMs;
    const found = await this.get(endpoint);
    if (!found && (await this.create(endpoint, versions))) {
      return trafficOf(await this.poll(endpoint, deadline, isReady), 'target');
    }
    const e = await this.poll(endpoint, deadline, (x) => !inProgress(x), found ?? undefined);
    if (inProgress(e)) return busy(e);
    const entities = e.config?.served_entities ?? [];
    const missing = versions.filter((v) => !entities.some(serves(v)));
    if (missing.length === 0) return trafficOf(await this.poll(endpoint, deadline, isReady, e), 'target');
    const shares = sharesOf(e.config);
    const next = [...entities, ...missing.map(entityFor)];
    return this.update(
      endpoint,
      deadline,
      next,
      routesFor(next, (s) => shares.get(s.name) ?? 0),
    );
  }

  async setWeights(endpoint: string, weights: Weights): Promise<EndpointTraffic> {
    checkWeights(endpoint, weights);
    const deadline = this.now() + this.readyWaitMs;
    const e = await this.poll(endpoint, deadline, (x) => !inProgress(x));
    if (inProgress(e)) return busy(e);
    const entities = e.config?.served_entities ?? [];
    const unserved = Object.keys(weights).filter(
      (v) => weights[v]! > 0 && !entities.some((s) => s.entity_version === v),
    );
    if (unserved[0] !== undefined) throw new UnknownVariantError(endpoint, unserved[0]);
    if (sameWeights(weightsOf(trafficOf(e, 'live')), weights)) {
      return trafficOf(await this.poll(endpoint, deadline, isReady, e), 'target');
    }
    // A version served twice (by hand) gets its weight on the first of its entities.
    const first = (s: Entity, i: number) =>
      entities.findIndex((x) => x.entity_version === s.entity_version) === i;
    const routes = routesFor(entities, (s, i) => (first(s, i) ? (weights[s.entity_version ?? ''] ?? 0) : 0));
    return this.update(endpoint, deadline, entities, routes, weights);
  }

  async finalise(endpoint: string, keep: ServedModel): Promise<EndpointTraffic> {
    const deadline = this.now() + this.readyWaitMs;
    const e = await this.poll(endpoint, deadline, (x) => !inProgress(x));
    if (inProgress(e)) return busy(e);
    const entities = e.config?.served_entities ?? [];
    const kept = entities.find(serves(keep)) ?? entityFor(keep);
    if (entities.length === 1 && entities[0] === kept && sharesOf(e.config).get(kept.name) === 100) {
      return trafficOf(await this.poll(endpoint, deadline, isReady, e), 'target');
    }
    return this.update(
      endpoint,
      deadline,
      [kept],
      routesFor([kept], () => 100),
      { [keep.version]: 100 },
    );
  }

  /** PUTs the whole config, waits (bounded) and, given `expected`, checks the weights the endpoint reports. */
  private async update(
    endpoint: string,
    deadline: number,
    entities: Entity[],
    routes: Route[],
    expected?: Weights,
  ): Promise<EndpointTraffic> {
    const path = `/api/2.0/serving-endpoints/${encodeURIComponent(endpoint)}/config`;
    try {
      await this.call('PUT', path, { served_entities: entities, traffic_config: { routes } });
    } catch (error) {
      // Another update started since the read: Databricks refuses ours; the caller checks again later.
      if (error instanceof DatabricksRequestError && error.status === 409)
        return busy(await this.require(endpoint));
      throw error;
    }
    const after = await this.poll(endpoint, deadline, isReady);
    const traffic = trafficOf(after, 'target');
    const reported = weightsOf(traffic);
    if (expected && !sameWeights(reported, expected)) {
      throw new DatabricksWeightsMismatchError(endpoint, expected, reported, after.state.config_update);
    }
    return traffic;
  }

  /** Creates the endpoint with the first version at 100 %; false when it already existed (a retry or a race). */
  private async create(endpoint: string, versions: ServedModel[]): Promise<boolean> {
    const entities = versions.map(entityFor);
    const routes = routesFor(entities, (_, i) => (i === 0 ? 100 : 0));
    try {
      await this.call('POST', '/api/2.0/serving-endpoints', {
        name: endpoint,
        config: { served_entities: entities, traffic_config: { routes } },
      });
      return true;
    } catch (error) {
      const exists = error instanceof DatabricksRequestError && error.errorCode === 'RESOURCE_ALREADY_EXISTS';
      if (exists) return false;
      throw error;
    }
  }

  /** Reads the endpoint until `done` or the deadline, and returns the last read. */
  private async poll(endpoint: string, deadline: number, done: (e: Endpoint) => boolean, first?: Endpoint) {
    let e = first ?? (await this.require(endpoint));
    while (!done(e) && this.now() < deadline) {
      await this.sleep(Math.min(this.pollMs, Math.max(0, deadline - this.now())));
      e = await this.require(endpoint);
    }
    return e;
  }

  private async require(endpoint: string): Promise<Endpoint> {
    const e = await this.get(endpoint);
    if (!e) throw new EndpointNotFoundError(endpoint);
    return e;
  }

  private async get(endpoint: string): Promise<Endpoint | null> {
    const path = `/api/2.0/serving-endpoints/${encodeURIComponent(endpoint)}`;
    let body: unknown;
    try {
      body = await this.call('GET', path);
    } catch (error) {
      if (error instanceof DatabricksRequestError && error.status === 404) return null;
      throw error;
    }
    const result = endpointSchema.safeParse(body);
    if (!result.success)
      throw new DatabricksResponseError(`GET ${path}`, describeIssues(result.error.issues));
    return result.data;
  }

  private async call(method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
    try {
      return await this.options.http.request(method, path, body === undefined ? {} : { body });
    } catch (error) {
      throw databricksError(`${method} ${path}`, error);
    }
  }
}
