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
import { describeIssues } from '../../../events/issues';
import {
  type EndpointTraffic,
  type ServedModel,
  type ServingEndpoint,
  type Weights,
  weightsOf,
} from '../../domain/servingPorts';
import type { HttpClient, HttpMethod } from '../registry/httpClient';
import {
  busy,
  checkWeights,
  type Endpoint,
  type Entity,
  endpointSchema,
  entityFor,
  inProgress,
  isReady,
  type Route,
  routesFor,
  sameWeights,
  serves,
  sharesOf,
  trafficOf,
} from './databricksConfig';
import {
  DatabricksRequestError,
  DatabricksResponseError,
  DatabricksWeightsMismatchError,
  databricksError,
  EndpointNotFoundError,
  ServingError,
  UnknownVariantError,
} from './errors';

export interface DatabricksEndpointOptions {
  /** An HttpClient on the workspace URL with a bearer token (PAT or OAuth). */
  http: Pick<HttpClient, 'request'>;
  /**
   * The most one operation waits for an update to finish; default 3000 ms (an update takes
   * minutes: the caller defers the step to the tick rather than hold a Lambda for it).
   */
  readyWaitMs?: number;
  /** Between two reads of the endpoint while waiting; default 2000 ms. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class DatabricksEndpoint implements ServingEndpoint {
  readonly kind = 'databricks' as const;
  private readonly readyWaitMs: number;
  private readonly pollMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: DatabricksEndpointOptions) {
    this.readyWaitMs = options.readyWaitMs ?? 3000;
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
