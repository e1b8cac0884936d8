/**
 * The serving port: what Baton needs from an inference endpoint to shift traffic between the
 * champion and a challenger in canary steps. Adapters: SageMaker (sagemakerEndpoint.ts),
 * Databricks Model Serving (databricksEndpoint.ts), and `none` (noneEndpoint.ts) for batch and
 * streaming inference, where moving the champion alias is the whole deployment.
 *
 * Every operation is idempotent and safe to repeat after a crash: each one states the end result
 * it wants (these versions served; these weights) rather than a change to make.
 *
 * Weights are whole percentages per model version (`{ '3': 90, '4': 10 }`); each adapter maps a
 * version to its own variant or served-entity name.
 */
import type * as z from 'zod/mini';
import type { Artefact, ServingKind } from '../../events/artefact';
import type { ModelVersionInfo } from './registryFacts';

/** A model version as the serving adapter needs it to create a model / served entity. */
export interface ServedModel {
  /** The registered model's name. */
  model: string;
  version: string;
  /** The version's artifact location in the registry (e.g. `s3://…`, `models:/m-…`). */
  source?: string;
  /** The version's tags: adapters read their deployment conventions from here (documented per adapter). */
  tags: Record<string, string>;
  /** Deployment settings from the policy's rollout.endpoint; a version's tags override them (per adapter). */
  settings?: DeploymentSettings;
  /**
   * The artefact pinned at validation (what approvers approved): when present the adapter deploys
   * exactly this and reads nothing from `tags`. Absent for records from before pinning.
   */
  artefact?: Artefact;
}

/** What a policy may say about how versions are deployed (adapters document which they use). */
export interface DeploymentSettings {
  /** SageMaker: the inference container image URI. */
  image?: string;
  /** SageMaker: the role the model runs as. */
  executionRoleArn?: string;
  /** SageMaker instance type (ml.m5.large) or Databricks workload size (Small). */
  instanceType?: string;
  instanceCount?: number;
}

/** The model version as the registry shows it: enough to resolve its artefact. */
export type VersionFiles = Pick<ModelVersionInfo, 'name' | 'version' | 'source' | 'tags'>;

/** A field deployed, named as people would set it, and its value (for the drift reason). */
export type ArtefactField = [name: string, value: string | number | undefined];

/** Label/value rows, each value saying where it came from: `['Image', 'ecr/f:7 (tag sagemaker.image)']`. */
export type ArtefactRows = Array<[label: string, value: string]>;

/**
 * What the pure core needs to know about one serving kind's pinned artefact, owned by that kind's
 * adapter (lib/adapters/serving/*Artefact.ts) and registered with it in lib/wiring/catalog.ts: the
 * artefact's own fields, how a version resolves to it, which fields a drift compares, and how
 * people see it. lib/domain/artefact.ts holds the logic every kind shares and is handed a spec.
 */
export interface ArtefactSpec<A extends Artefact = Artefact> {
  /** The serving kind (the catalog's key), which every artefact it resolves carries. */
  readonly kind: A['kind'];
  /** The kind's pinned artefact, field by field: the adapter checks what it deploys with it. */
  readonly schema: z.ZodMiniType<A>;
  /** What a rollout of this kind deploys for the version; the version's tags override the policy. */
  resolve(version: VersionFiles, settings: DeploymentSettings): A;
  /** Each deployed field; `named` picks the tag's name when a tag decides it, else the policy's key. */
  fields(a: A, named: (tag: string, fallback: string) => string): ArtefactField[];
  /** Label/value rows; `from` says where a value came from (`tag …`, else the fallback). */
  rows(a: A, from: (tag: string, fallback: string) => string): ArtefactRows;
}

/** The rows people see for a pinned artefact of any kind (lib/wiring builds it from the catalog). */
export type ArtefactRowsOf = (artefact: Artefact) => ArtefactRows;

export interface VariantTraffic {
  /** The adapter's name for the variant / served entity. */
  variant: string;
  /** The model version it serves. */
  version: string;
  /** Share of traffic in percent (0–100), as the endpoint reports it. */
  weight: number;
}

export interface EndpointTraffic {
  endpoint: string;
  /** The endpoint's own status word (SageMaker `InService`, Databricks `NOT_UPDATING`, `none`). */
  status: string;
  /** The endpoint serves and accepts weight changes (SageMaker InService; Databricks READY and not updating). */
  ready: boolean;
  variants: VariantTraffic[];
}

/** Weights keyed by model version, whole percentages that sum to 100. */
export type Weights = Record<string, number>;

export interface ServingEndpoint {
  readonly kind: ServingKind;
  /** What is live now; null when the endpoint does not exist. */
  describe(endpoint: string): Promise<EndpointTraffic | null>;
  /**
   * Ensures each of `versions` is served by a variant of the endpoint. Variants that exist keep
   * their weights; new variants join at weight 0 — except on an endpoint that does not exist yet,
   * which is created with the first version at 100 %. Waits a bounded time (adapter option) for
   * the endpoint to be ready and returns what it reports: when `ready` is false the caller checks
   * again later (a real SageMaker update takes minutes; a Lambda must not wait that long).
   */
  prepare(endpoint: string, versions: ServedModel[]): Promise<EndpointTraffic>;
  /**
   * Sets the weights (only versions named; others get 0) and returns what the endpoint reports
   * afterwards. Like prepare it waits a bounded time: `ready: false` means not live yet (or busy,
   * nothing changed); asked again later, weights already live are left as they are.
   */
  setWeights(endpoint: string, weights: Weights): Promise<EndpointTraffic>;
  /**
   * Leaves only `keep`'s variant on the endpoint (at 100 %): the end of a rollout's termination
   * wait. Bounded like prepare: `ready: false` means the caller checks again later.
   */
  finalise(endpoint: string, keep: ServedModel): Promise<EndpointTraffic>;
}

/** What the endpoint reports, as weights per version (for checks and for `baton status`). */
export function weightsOf(traffic: EndpointTraffic | null): Weights {
  const weights: Weights = {};
  for (const v of traffic?.variants ?? []) weights[v.version] = (weights[v.version] ?? 0) + v.weight;
  return weights;
}

/** Relative weights (SageMaker's are any non-negative numbers) as whole percentages. */
export function asPercentages(raw: Array<{ key: string; weight: number }>): Record<string, number> {
  const total = raw.reduce((sum, r) => sum + r.weight, 0);
  const out: Record<string, number> = {};
  for (const r of raw) out[r.key] = total > 0 ? Math.round((r.weight / total) * 100) : 0;
  return out;
}
