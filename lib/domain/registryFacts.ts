/**
 * A model version and its run as the core reads them from the registry: the facts every check,
 * artefact pin and adoption is decided on. The schemas are the one definition; the registry
 * adapter's wire schemas (lib/adapters/registry/mlflowRegistry.ts) transform MLflow's JSON into these
 * shapes, and the ModelRegistry port returns them.
 *
 * @example
 *   const version: ModelVersionInfo = {
 *     name: 'fraud', version: '7', status: 'READY', tags: {}, aliases: [],
 *     creationTimestamp: 1795366000000, lastUpdatedTimestamp: 1795366000000,
 *   };
 */
import * as z from 'zod/mini';

/** MLflow model-version statuses. */
const modelVersionStatuses = ['PENDING_REGISTRATION', 'READY', 'FAILED_REGISTRATION'] as const;

/** MLflow run statuses (a policy's `runStatus` check names some of them). */
export const runStatuses = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;

const modelVersionInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  status: z.enum(modelVersionStatuses),
  runId: z.optional(z.string()),
  source: z.optional(z.string()),
  description: z.optional(z.string()),
  /** The registering user, when the registry records one. */
  userId: z.optional(z.string()),
  tags: z.record(z.string(), z.string()),
  aliases: z.array(z.string()),
  /** Milliseconds since the epoch. */
  creationTimestamp: z.number(),
  lastUpdatedTimestamp: z.number(),
});
export type ModelVersionInfo = z.infer<typeof modelVersionInfoSchema>;

const runInfoSchema = z.object({
  runId: z.string(),
  status: z.enum(runStatuses),
  /** The latest value of each metric (NaN and ±Infinity included: a diverged run reads as one). */
  metrics: z.record(z.string(), z.number()),
  tags: z.record(z.string(), z.string()),
  userId: z.optional(z.string()),
});
export type RunInfo = z.infer<typeof runInfoSchema>;
