/**
 * The artefact a version's rollout deploys, resolved once at validation and pinned: stored with
 * the verdict, shown to approvers, and the only thing later traffic steps deploy. It lives in
 * events/ because the version state, the audit trail and the approval request all carry it, and
 * one schema keeps them the same.
 *
 * The schema is the envelope every serving kind shares: its `kind` and `tags`. The kind's own
 * fields (image, instances, the served entity…) are declared by that kind's adapter, in its
 * artefact spec (lib/adapters/serving/*Artefact.ts, registered in lib/wiring/catalog.ts): they are
 * kept as they are (a loose object, so a store round trip loses nothing), and the adapter checks
 * them against its own schema when it deploys. A new serving kind changes nothing here.
 *
 * `tags` holds the registry tag values it was resolved from (only those set), so a reader can see
 * which values came from the version and which from the policy.
 *
 * @example
 *   artefactSchema.parse({ kind: 'sagemaker', image: 'ecr/fraud:7', modelDataUrl: 's3://m/7.tar.gz',
 *     instanceType: 'ml.m5.large', instanceCount: 1, tags: { 'sagemaker.image': 'ecr/fraud:7' } });
 */
import * as z from 'zod/mini';

export const artefactSchema = z.looseObject({
  /** The serving kind that resolved it: a key of lib/wiring/catalog.ts's `servingCatalog`. */
  kind: z.string().check(z.minLength(1)),
  tags: z.record(z.string(), z.string()),
});
export type Artefact = z.infer<typeof artefactSchema>;

/**
 * A serving kind's name. The kinds are the keys of lib/wiring/catalog.ts's `servingCatalog`; the
 * policy's `rollout.endpoint.kind` is checked against them where policies are read (lib/wiring).
 */
export type ServingKind = string;
