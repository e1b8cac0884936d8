/**
 * The artefact a version's rollout deploys, resolved once at validation and pinned: stored with
 * the verdict, shown to approvers, and the only thing later traffic steps deploy. It lives in
 * events/ because the version state, the audit trail and the approval request all carry it, and
 * one schema keeps them the same. lib/domain/artefact.ts resolves and compares it. A serving kind
 * is declared here, by its variant: what a rollout of that kind pins.
 *
 * `tags` holds the registry tag values it was resolved from (only those set), so a reader can see
 * which values came from the version and which from the policy.
 *
 * @example
 *   artefactSchema.parse({ kind: 'sagemaker', image: 'ecr/fraud:7', modelDataUrl: 's3://m/7.tar.gz',
 *     instanceType: 'ml.m5.large', instanceCount: 1, tags: { 'sagemaker.image': 'ecr/fraud:7' } });
 */
import * as z from 'zod/mini';

const tags = z.record(z.string(), z.string());

export const artefactSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('sagemaker'),
    /** The inference container image; absent when neither tag nor policy names one (deploying fails). */
    image: z.optional(z.string()),
    modelDataUrl: z.optional(z.string()),
    instanceType: z.string(),
    /** Absent only when the version's `sagemaker.instance_count` tag is not a whole number ≥ 1. */
    instanceCount: z.optional(z.int()),
    tags,
  }),
  z.object({
    kind: z.literal('databricks'),
    /** The registered model and version the served entity serves. */
    entityName: z.string(),
    entityVersion: z.string(),
    workloadSize: z.string(),
    tags,
  }),
  /** Nothing is deployed by Baton (no rollout, or a `none` endpoint): the files are what is approved. */
  z.object({ kind: z.literal('none'), source: z.optional(z.string()), tags }),
]);
export type Artefact = z.infer<typeof artefactSchema>;

/**
 * The serving kinds, declared once: each variant's `kind` literal above is the kind's name. The
 * policy's `rollout.endpoint.kind`, the version state and the wiring's catalog
 * (lib/wiring/catalog.ts) are all built from this list, so they cannot disagree.
 */
export type ServingKind = Artefact['kind'];
export const servingKinds: readonly ServingKind[] = artefactSchema.def.options.map(
  (variant) => variant.shape.kind.def.values[0]!,
);
