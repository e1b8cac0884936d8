/**
 * What a model version becomes on SageMaker: the names Baton gives its model and variant, and the
 * variant and container it deploys. Kept apart from sagemakerEndpoint.ts, which drives the API.
 *
 * Naming, so that a repeated call finds what an earlier one made:
 * - model per version: `<endpoint>-v<version>`; characters outside [A-Za-z0-9-] become `-`, and a
 *   name over 63 characters keeps its first 54 and ends in `-<8 hex digits of its sha256>`.
 * - variant: `v<version>`; a variant Baton did not create reports its own name as the version.
 *
 * Deployment conventions per version (a version's tags override the policy's rollout.endpoint),
 * resolved at validation and pinned (sagemakerArtefact.ts, the kind's artefact spec): a version with a
 * pinned artefact is deployed exactly as pinned (checked against the spec's schema), and its tags of now are not read. Only records from before pinning
 * are resolved here, from the tags they carry at deploy time:
 * - image: tag `sagemaker.image`, else `image`
 * - model data: tag `sagemaker.model_data_url`, else the version's source when it is an s3:// URL
 * - execution role: `executionRoleArn`, else the adapter's default role (never a tag, never pinned)
 * - instance type: tag `sagemaker.instance_type`, else `instanceType`, else ml.m5.large
 * - instance count: tag `sagemaker.instance_count`, else `instanceCount`, else 1
 *
 * @example
 *   variantOf('fraud-prod', servedModel, 0); // { VariantName: 'v7', ModelName: 'fraud-prod-v7', InstanceType: …, … }
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { ServedModel } from '../../domain/servingPorts';
import { ServingConfigurationError } from './errors';
import { pinnedAs } from './pinnedArtefact';
import {
  resolveSageMaker,
  type SageMakerArtefact,
  sageMakerArtefact,
  sageMakerTags,
} from './sagemakerArtefact';

export const hash8 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** A SageMaker resource name: [A-Za-z0-9-], at most 63 characters. */
export function resourceName(wanted: string): string {
  const name = wanted.replace(/[^A-Za-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  return name.length <= 63 ? name : `${name.slice(0, 54).replace(/-+$/, '')}-${hash8(wanted)}`;
}

/**
 * The SageMaker model Baton creates for a version of the model served on `endpoint`.
 *
 * @example
 *   sageMakerModelName('fraud-prod', '7'); // 'fraud-prod-v7'
 */
export function sageMakerModelName(endpoint: string, version: string): string {
  return resourceName(`${endpoint}-v${version}`);
}

export const variantName = (version: string) => `v${version}`;
export const versionOf = (variant: string) => /^v(.+)$/.exec(variant)?.[1] ?? variant;

/** A production variant as CreateEndpointConfig takes it; fields AWS reports beyond these are kept. */
export const productionVariant = z.looseObject({
  VariantName: z.string(),
  ModelName: z.string(),
  InitialVariantWeight: z.optional(z.number()),
});
export type Variant = z.infer<typeof productionVariant>;
function positiveInt(value: string | number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ServingConfigurationError(`${what} must be a whole number ≥ 1`);
  return n;
}

/** What to deploy for a version: its pinned artefact, else (a record from before pinning) its tags now. */
export function deploymentOf(m: ServedModel): SageMakerArtefact {
  return pinnedAs(sageMakerArtefact, m) ?? resolveSageMaker(m.tags, m.source, m.settings);
}

/** The new variant for a version (its model must exist), as deployed by deploymentOf. */
export function variantOf(endpoint: string, m: ServedModel, weight: number): Variant {
  const deployment = deploymentOf(m);
  const count = deployment.tags[sageMakerTags.instanceCount];
  return {
    VariantName: variantName(m.version),
    ModelName: sageMakerModelName(endpoint, m.version),
    InitialVariantWeight: weight,
    InstanceType: deployment.instanceType,
    // Unresolved only when the tag is malformed: positiveInt refuses it with the tag's value.
    InitialInstanceCount:
      deployment.instanceCount ??
      positiveInt(count, `${m.model} v${m.version}'s tag sagemaker.instance_count ("${count}")`) ??
      1,
  };
}

/**
 * The CreateModel request for a version: its deployment's image and model data, the policy's
 * execution role (else the adapter's default), and tags naming the version.
 *
 * @example
 *   createModelInput('fraud-prod-v7', servedModel, 'arn:aws:iam::1:role/models').PrimaryContainer.Image;
 */
export function createModelInput(name: string, m: ServedModel, defaultRole: string | undefined) {
  const deployment = deploymentOf(m);
  const image = deployment.image;
  if (!image) {
    throw new ServingConfigurationError(
      `${m.model} v${m.version} has no inference image: set the version tag sagemaker.image or rollout.endpoint.image in the policy`,
    );
  }
  const role = m.settings?.executionRoleArn ?? defaultRole;
  if (!role) {
    throw new ServingConfigurationError(
      `${m.model} v${m.version} has no execution role: set rollout.endpoint.executionRoleArn in the policy or Baton's default SageMaker role`,
    );
  }
  const modelData = deployment.modelDataUrl;
  const tag = (value: string) => value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 256);
  return {
    ModelName: name,
    ExecutionRoleArn: role,
    PrimaryContainer: { Image: image, ...(modelData ? { ModelDataUrl: modelData } : {}) },
    Tags: [
      { Key: 'baton:model', Value: tag(m.model) },
      { Key: 'baton:version', Value: tag(m.version) },
    ],
  };
}
