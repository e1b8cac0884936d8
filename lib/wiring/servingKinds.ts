/**
 * The serving catalog: one entry per serving kind, keyed by the kind's name, each with what its
 * rollouts pin (the adapter's pure `ArtefactSpec`: the artefact's fields, how a version resolves
 * to it, how it is compared and shown) and how its adapter is built. The policy's
 * rollout.endpoint.kind is checked against the keys (`servingKinds`, lib/wiring/policySchema.ts),
 * so adding a serving kind is its adapter file(s) in lib/adapters/serving, one entry here and its
 * IAM in serverless.yml (README, "Adding a serving kind"); nothing in lib/domain or events/ names a
 * kind, and an entry whose spec names another kind does not compile.
 *
 * The adapters are built on first use, through a dynamic import (deferred.ts, onDemand/): a file
 * that renders artefacts or checks policies (the notifier, the approval pages, the policy schema)
 * loads no serving adapter and no SageMaker client at its cold start, and the worker loads one
 * only when a rollout calls it. Their chunks ride in the zips of the functions that import this
 * file, unloaded.
 *
 * @example
 *   artefactSpecFor(policy).resolve(version, policy.rollout?.endpoint ?? {});
 *   artefactRowsOf(state.artefact); // [['Image', 'ecr/f:7 (tag sagemaker.image)'], …]
 *   servingCatalog.sagemaker.build({ executionRoleArn, databricks }).kind; // 'sagemaker'
 */
import type { Artefact } from '../../events/artefact';
import type { HttpClient } from '../adapters/registry/httpClient';
import { databricksArtefact } from '../adapters/serving/databricksArtefact';
import { ServingConfigurationError } from '../adapters/serving/errors';
import { noneArtefact } from '../adapters/serving/noneArtefact';
import { NoneEndpoint } from '../adapters/serving/noneEndpoint';
import { sageMakerArtefact } from '../adapters/serving/sagemakerArtefact';
import { artefactRows } from '../domain/artefact';
import type { Policy } from '../domain/policy';
import type { ArtefactRowsOf, ArtefactSpec, ServingEndpoint } from '../domain/servingPorts';
import { DeferredServingEndpoint, onFirstUse } from './deferred';

/** What a composition hands every serving factory (each takes what it needs, once per cold start). */
export interface ServingContext {
  /** The role SageMaker models run as (SAGEMAKER_EXECUTION_ROLE_ARN). */
  executionRoleArn?: string;
  /** An HTTP client on the Databricks workspace, with the registry token. */
  databricks: () => HttpClient;
}

/** One serving kind: what its rollouts pin (the adapter's spec) and how its adapter is built. */
export interface ServingEntry {
  readonly artefact: ArtefactSpec;
  build(context: ServingContext): ServingEndpoint;
}

/** Each entry's spec must be of its own key's kind (`sagemaker: { artefact: sageMakerArtefact, … }`). */
const entriesByKind = <T extends { [K in keyof T]: ServingEntry & { artefact: { kind: K } } }>(
  entries: T,
): T => entries;

/** One entry per serving kind, in the order the policy's refusals list them in. */
export const servingCatalog = entriesByKind({
  sagemaker: {
    artefact: sageMakerArtefact,
    build: (context) =>
      new DeferredServingEndpoint(
        'sagemaker',
        onFirstUse(async () =>
          (await import('./onDemand/sagemaker')).sageMakerEndpoint(context.executionRoleArn),
        ),
      ),
  },
  databricks: {
    artefact: databricksArtefact,
    build: (context) =>
      new DeferredServingEndpoint(
        'databricks',
        onFirstUse(async () =>
          (await import('./onDemand/databricks')).databricksEndpoint(context.databricks()),
        ),
      ),
  },
  none: { artefact: noneArtefact, build: () => new NoneEndpoint() },
});

export type ServingKind = keyof typeof servingCatalog;
/** The serving kinds a policy may name, in the catalog's order (the order its refusals list them in). */
export const servingKinds = Object.keys(servingCatalog) as [ServingKind, ...ServingKind[]];

/**
 * Whether a policy or a stored record names a kind of this version of Baton.
 *
 * @example
 *   isServingKind('k8s'); // false
 */
export function isServingKind(kind: string): kind is ServingKind {
  return Object.hasOwn(servingCatalog, kind);
}

/**
 * Throws the typed error for a kind the catalog does not have, naming the kinds it has.
 *
 * @example
 *   servingKindOf(policy.rollout.endpoint.kind); // 'sagemaker'
 */
export function servingKindOf(kind: string): ServingKind {
  if (!isServingKind(kind)) {
    throw new ServingConfigurationError(
      `no serving kind "${kind}" (the catalog has ${servingKinds.join(', ')})`,
    );
  }
  return kind;
}

/**
 * The pinned-artefact rules of the policy's serving kind; a policy without a rollout deploys
 * nothing, like a `none` endpoint. gatherFacts hands it to the pure core (`facts.artefactSpec`).
 *
 * @example
 *   artefactSpecFor(policy).resolve(version, policy.rollout?.endpoint ?? {});
 */
export function artefactSpecFor(policy: Policy): ArtefactSpec {
  return servingCatalog[servingKindOf(policy.rollout?.endpoint.kind ?? 'none')].artefact;
}

/**
 * The rows people see for a pinned artefact, by its own kind's spec: what the notifier, the SNS
 * text and the approval link's review page render. A record of a kind the catalog no longer has
 * still shows what it is.
 *
 * @example
 *   artefactRowsOf(state.artefact); // [['Image', 'ecr/f:7 (tag sagemaker.image)'], …]
 */
export const artefactRowsOf: ArtefactRowsOf = (artefact: Artefact) =>
  isServingKind(artefact.kind)
    ? artefactRows(servingCatalog[artefact.kind].artefact, artefact)
    : [['Serving kind', `${artefact.kind} (not known to this version of Baton)`]];
