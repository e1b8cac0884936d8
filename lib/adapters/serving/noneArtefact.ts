/**
 * What is pinned when Baton deploys nothing (a policy without a rollout, or a `none` endpoint):
 * the version's files, which is what people approve. The pure spec of the `none` kind (the
 * serving port's `ArtefactSpec`); registered in lib/wiring/catalog.ts, which also uses it for
 * policies without a rollout.
 *
 * @example
 *   noneArtefact.resolve({ name: 'fraud', version: '7', source: 's3://m/7', tags: {} }, {});
 *   // { kind: 'none', source: 's3://m/7', tags: {} }
 */
import * as z from 'zod/mini';
import type { ArtefactSpec } from '../../domain/servingPorts';

export const noneArtefactSchema = z.object({
  kind: z.literal('none'),
  source: z.optional(z.string()),
  tags: z.record(z.string(), z.string()),
});
export type NoneArtefact = z.infer<typeof noneArtefactSchema>;

export const noneArtefact: ArtefactSpec<NoneArtefact> = {
  kind: 'none',
  schema: noneArtefactSchema,
  resolve: (version) => ({
    kind: 'none',
    ...(version.source !== undefined && { source: version.source }),
    tags: {},
  }),
  fields: (a) => [['the version source', a.source]],
  rows: (a) => [
    ['Model files', `${a.source ?? 'unknown'} (Baton deploys nothing: the champion alias is the deployment)`],
  ],
};
