/**
 * What Baton reads and writes on a Databricks serving endpoint, without calling it: the response
 * schemas, the served-entity name Baton gives a version, and the pure arithmetic from an endpoint's
 * config to the traffic per version and back (routes, shares, weight checks). databricksEndpoint.ts
 * makes the calls.
 *
 * @example
 *   servedEntityName('main.ml.fraud', '4'); // 'main-ml-fraud-4'
 *   trafficOf(endpoint, 'live').variants; // [{ variant: 'fraud-3', version: '3', weight: 90 }, …]
 */
import * as z from 'zod/mini';
import type { EndpointTraffic, ServedModel, Weights } from '../../domain/servingPorts';
import { databricksArtefact, workloadSizeTag } from './databricksArtefact';
import { DatabricksWeightsError } from './errors';
import { pinnedAs } from './pinnedArtefact';

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
export const endpointSchema = z.object({
  name: z.string(),
  state: z.object({ ready: z.string(), config_update: z._default(z.string(), 'NOT_UPDATING') }),
  config: z.optional(configSchema),
  pending_config: z.optional(configSchema),
});

export type Endpoint = z.infer<typeof endpointSchema>;
export type Config = z.infer<typeof configSchema>;
export type Entity = z.infer<typeof servedEntitySchema>;
export type Route = { served_model_name: string; traffic_percentage: number };

/**
 * The served-entity name Baton gives a model version.
 *
 * @example
 *   servedEntityName('main.ml.fraud', '4'); // 'main-ml-fraud-4'
 */
export function servedEntityName(model: string, version: string): string {
  return `${model.replace(/[^A-Za-z0-9_-]/g, '-')}-${version}`;
}

/**
 * @example
 *   inProgress(endpoint); // true while a config update runs
 */
export const inProgress = (e: Endpoint) => e.state.config_update === 'IN_PROGRESS';
/**
 * @example
 *   isReady(endpoint); // READY and no update in progress
 */
export const isReady = (e: Endpoint) => e.state.ready === 'READY' && !inProgress(e);
/**
 * @example
 *   entities.some(serves(challenger)); // the version already has a served entity
 */
export const serves = (m: ServedModel) => (e: Entity) =>
  e.entity_version === m.version && (e.entity_name === undefined || e.entity_name === m.model);

/**
 * @example
 *   entityFor(challenger).name; // 'fraud-7'
 */
export function entityFor(m: ServedModel): Entity {
  return {
    name: servedEntityName(m.model, m.version),
    entity_name: m.model,
    entity_version: m.version,
    // A pinned artefact is deployed as approved; else the tag, the policy, then Databricks' smallest.
    workload_size:
      pinnedAs(databricksArtefact, m)?.workloadSize ??
      m.tags[workloadSizeTag] ??
      m.settings?.instanceType ??
      'Small',
    scale_to_zero_enabled: false,
  };
}

/**
 * Percent per served-entity name; a lone entity without routes gets all traffic, as Databricks does.
 *
 * @example
 *   sharesOf(config).get('fraud-7'); // 10
 */
export function sharesOf(config: Config | undefined): Map<string, number> {
  const shares = new Map<string, number>();
  for (const r of config?.traffic_config?.routes ?? []) {
    const name = r.served_entity_name ?? r.served_model_name;
    if (name) shares.set(name, (shares.get(name) ?? 0) + r.traffic_percentage);
  }
  const only = config?.served_entities.length === 1 ? config.served_entities[0] : undefined;
  if (only && shares.size === 0) shares.set(only.name, 100);
  return shares;
}

/**
 * One route per entity, as given by `weightOf`; all to the first entity when that gives none.
 *
 * @example
 *   routesFor(entities, (_, i) => (i === 0 ? 100 : 0));
 */
export function routesFor(entities: Entity[], weightOf: (e: Entity, index: number) => number): Route[] {
  const routes = entities.map((e, i) => ({ served_model_name: e.name, traffic_percentage: weightOf(e, i) }));
  if (routes.length > 0 && routes.every((r) => r.traffic_percentage === 0))
    routes[0]!.traffic_percentage = 100;
  return routes;
}

/**
 * @example
 *   trafficOf(endpoint, 'target').variants; // the weights the endpoint is moving to
 */
export function trafficOf(e: Endpoint, which: 'live' | 'target'): EndpointTraffic {
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

/**
 * @example
 *   busy(endpoint).ready; // false
 */
export const busy = (e: Endpoint): EndpointTraffic => ({ ...trafficOf(e, 'live'), ready: false });

/**
 * @example
 *   sameWeights({ '6': 100 }, { '6': 100, '7': 0 }); // true
 */
export function sameWeights(a: Weights, b: Weights): boolean {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((v) => (a[v] ?? 0) === (b[v] ?? 0));
}

/**
 * @example
 *   checkWeights('fraud-prod', { '6': 90, '7': 20 }); // throws: weights must sum to 100
 */
export function checkWeights(endpoint: string, weights: Weights): void {
  const values = Object.values(weights);
  if (!values.every((w) => Number.isInteger(w) && w >= 0 && w <= 100)) {
    throw new DatabricksWeightsError(endpoint, weights, 'weights must be whole percentages');
  }
  if (values.reduce((sum, w) => sum + w, 0) !== 100) {
    throw new DatabricksWeightsError(endpoint, weights, 'weights must sum to 100');
  }
}
