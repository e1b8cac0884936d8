/**
 * What a Databricks Model Serving rollout pins: the registered model and version the served
 * entity serves, and its workload size (the version's `databricks.workload_size` tag over the
 * policy's rollout.endpoint.instanceType, then Small). The pure spec of the `databricks` kind (the
 * serving port's `ArtefactSpec`), deployed by databricksConfig.ts; registered in lib/wiring/catalog.ts.
 *
 * @example
 *   databricksArtefact.resolve({ name: 'fraud', version: '7', tags: {} }, {}).workloadSize; // 'Small'
 */
import * as z from 'zod/mini';
import { pickTags } from '../../domain/artefact';
import type { ArtefactSpec } from '../../domain/servingPorts';

/** The version tag that sizes the served entity. */
export const workloadSizeTag = 'databricks.workload_size';

export const databricksArtefactSchema = z.object({
  kind: z.literal('databricks'),
  /** The registered model and version the served entity serves. */
  entityName: z.string(),
  entityVersion: z.string(),
  workloadSize: z.string(),
  tags: z.record(z.string(), z.string()),
});
export type DatabricksArtefact = z.infer<typeof databricksArtefactSchema>;

export const databricksArtefact: ArtefactSpec<DatabricksArtefact> = {
  kind: 'databricks',
  schema: databricksArtefactSchema,
  resolve: (version, settings) => ({
    kind: 'databricks',
    entityName: version.name,
    entityVersion: version.version,
    workloadSize: version.tags[workloadSizeTag] ?? settings.instanceType ?? 'Small',
    tags: pickTags(version.tags, [workloadSizeTag]),
  }),
  fields: (a, named) => [
    ['the served entity', `${a.entityName} v${a.entityVersion}`],
    [named(workloadSizeTag, 'rollout.endpoint.instanceType'), a.workloadSize],
  ],
  rows: (a, from) => [
    ['Serves', `${a.entityName} v${a.entityVersion}`],
    ['Workload size', `${a.workloadSize} (${from(workloadSizeTag, 'policy')})`],
  ],
};
