/**
 * The serving kinds, declared here by their keys, with what each kind's rollouts pin: its adapter's
 * pure `ArtefactSpec` (the artefact's fields, how a version resolves to it, how it is compared and
 * shown). The policy's rollout.endpoint.kind is checked against `servingKinds`
 * (lib/wiring/policySchema.ts), and catalog.ts's `servingCatalog` is typed over them: a kind with a
 * spec but no adapter factory, or a factory for no kind, does not compile.
 *
 * Why apart from catalog.ts: the specs import no adapter and no AWS client. The functions that only
 * read policies or render artefacts (the notifier, the approval pages, the dashboard, the tick)
 * import this file, so their bundles carry neither the SageMaker client nor the serving and registry
 * adapters (measured: about 50 KB less minified code each to compile at their cold start).
 *
 * @example
 *   artefactSpecFor(policy).resolve(version, policy.rollout?.endpoint ?? {});
 *   artefactRowsOf(state.artefact); // [['Image', 'ecr/f:7 (tag sagemaker.image)'], …]
 */
import type { Artefact } from '../../events/artefact';
import { databricksArtefact } from '../adapters/serving/databricksArtefact';
import { ServingConfigurationError } from '../adapters/serving/errors';
import { noneArtefact } from '../adapters/serving/noneArtefact';
import { sageMakerArtefact } from '../adapters/serving/sagemakerArtefact';
import { artefactRows } from '../domain/artefact';
import type { Policy } from '../domain/policy';
import type { ArtefactRowsOf, ArtefactSpec } from '../domain/servingPorts';

/** Each spec must be of its own key's kind (`sagemaker: sageMakerArtefact`). */
const specsByKind = <T extends { [K in keyof T]: ArtefactSpec & { kind: K } }>(specs: T): T => specs;

/** One entry per serving kind, in the order the policy's refusals list them in. */
export const artefactSpecs = specsByKind({
  sagemaker: sageMakerArtefact,
  databricks: databricksArtefact,
  none: noneArtefact,
});

export type ServingKind = keyof typeof artefactSpecs;
/** The serving kinds a policy may name, in the catalog's order (the order its refusals list them in). */
export const servingKinds = Object.keys(artefactSpecs) as [ServingKind, ...ServingKind[]];

/**
 * Whether a policy or a stored record names a kind of this version of Baton.
 *
 * @example
 *   isServingKind('k8s'); // false
 */
export function isServingKind(kind: string): kind is ServingKind {
  return Object.hasOwn(artefactSpecs, kind);
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
  return artefactSpecs[servingKindOf(policy.rollout?.endpoint.kind ?? 'none')];
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
    ? artefactRows(artefactSpecs[artefact.kind], artefact)
    : [['Serving kind', `${artefact.kind} (not known to this version of Baton)`]];
