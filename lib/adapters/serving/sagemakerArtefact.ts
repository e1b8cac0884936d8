/**
 * What a SageMaker rollout pins: the inference image, the model data and the instances, resolved
 * from the version's tags over the policy's rollout.endpoint (then defaults). The pure spec of the
 * `sagemaker` kind (the serving port's `ArtefactSpec`): the pure core resolves, compares and shows
 * the pinned artefact through it, and sagemakerDeployment.ts deploys it (and resolves versions
 * pinned before pinning existed with the same function). Registered in lib/wiring/catalog.ts.
 *
 * @example
 *   sageMakerArtefact.resolve({ name: 'fraud', version: '7', source: 's3://m/7', tags: { 'sagemaker.image': 'ecr/f:7' } }, {});
 *   // { kind: 'sagemaker', image: 'ecr/f:7', modelDataUrl: 's3://m/7', instanceType: 'ml.m5.large', instanceCount: 1, tags: {…} }
 */
import * as z from 'zod/mini';
import { pickTags } from '../../domain/artefact';
import type { ArtefactSpec, DeploymentSettings } from '../../domain/servingPorts';

/** The version tags this adapter reads (its documented conventions). */
export const sageMakerTags = {
  image: 'sagemaker.image',
  modelDataUrl: 'sagemaker.model_data_url',
  instanceType: 'sagemaker.instance_type',
  instanceCount: 'sagemaker.instance_count',
} as const;

export const sageMakerArtefactSchema = z.object({
  kind: z.literal('sagemaker'),
  /** The inference container image; absent when neither tag nor policy names one (deploying fails). */
  image: z.optional(z.string()),
  modelDataUrl: z.optional(z.string()),
  instanceType: z.string(),
  /** Absent only when the version's `sagemaker.instance_count` tag is not a whole number ≥ 1. */
  instanceCount: z.optional(z.int()),
  tags: z.record(z.string(), z.string()),
});
export type SageMakerArtefact = z.infer<typeof sageMakerArtefactSchema>;

function wholeNumber(value: string): number | undefined {
  const n = Number(value);
  return value.trim() !== '' && Number.isInteger(n) && n >= 1 ? n : undefined;
}

/**
 * The SageMaker deployment of a version: tags first, then the policy, then defaults.
 *
 * @example
 *   resolveSageMaker({ 'sagemaker.instance_count': '2' }, 's3://m/7', { image: 'ecr/f:1' }).instanceCount; // 2
 */
export function resolveSageMaker(
  tags: Record<string, string>,
  source: string | undefined,
  settings: DeploymentSettings = {},
): SageMakerArtefact {
  const count = tags[sageMakerTags.instanceCount];
  const image = tags[sageMakerTags.image] ?? settings.image;
  const modelDataUrl = tags[sageMakerTags.modelDataUrl] ?? (source?.startsWith('s3://') ? source : undefined);
  // A malformed count stays unresolved (and in `tags`): the adapter refuses to deploy it, as before.
  const instanceCount = count === undefined ? (settings.instanceCount ?? 1) : wholeNumber(count);
  return {
    kind: 'sagemaker',
    ...(image !== undefined && { image }),
    ...(modelDataUrl !== undefined && { modelDataUrl }),
    instanceType: tags[sageMakerTags.instanceType] ?? settings.instanceType ?? 'ml.m5.large',
    ...(instanceCount !== undefined && { instanceCount }),
    tags: pickTags(tags, Object.values(sageMakerTags)),
  };
}

export const sageMakerArtefact: ArtefactSpec<SageMakerArtefact> = {
  kind: 'sagemaker',
  schema: sageMakerArtefactSchema,
  resolve: (version, settings) => resolveSageMaker(version.tags, version.source, settings),
  fields: (a, named) => [
    [named(sageMakerTags.image, 'rollout.endpoint.image'), a.image],
    [named(sageMakerTags.modelDataUrl, 'the model data (the version source)'), a.modelDataUrl],
    [named(sageMakerTags.instanceType, 'rollout.endpoint.instanceType'), a.instanceType],
    [named(sageMakerTags.instanceCount, 'rollout.endpoint.instanceCount'), a.instanceCount],
  ],
  rows: (a, from) => {
    const image = a.image ?? 'none: set the tag sagemaker.image or rollout.endpoint.image';
    const count = a.instanceCount ?? `invalid count "${a.tags[sageMakerTags.instanceCount]}"`;
    const sized = [sageMakerTags.instanceType, sageMakerTags.instanceCount].some(
      (t) => a.tags[t] !== undefined,
    );
    return [
      ['Image', `${image} (${from(sageMakerTags.image, 'policy')})`],
      [
        'Model data',
        a.modelDataUrl === undefined
          ? 'none (no tag sagemaker.model_data_url, and the version source is not on s3://)'
          : `${a.modelDataUrl} (${from(sageMakerTags.modelDataUrl, 'version source')})`,
      ],
      ['Instances', `${count} × ${a.instanceType} (${sized ? 'tags' : 'policy'})`],
    ];
  },
};
