/**
 * What the Unity Catalog stand-ins of the integration tests check requests against (the fields of
 * MLflow's UcModelRegistryService, MLflow 3.17.2), and how they word a request that breaks them.
 *
 * @example
 *   const checked = z.strictObject({ name: threeLevel, version: versionNumber }).safeParse(body);
 *   if (!checked.success) violations.push(explain(checked.error.issues));
 */
import type { core } from 'zod/mini';
import * as z from 'zod/mini';
import { describeIssues } from '../../events/issues';

export const UC = '/api/2.0/mlflow/unity-catalog';
export const threeLevel = z.string().check(z.regex(/^[^.'"]+\.[^.'"]+\.[^.'"]+$/));
export const versionNumber = z.string().check(z.regex(/^\d+$/));
export const text = z.string().check(z.minLength(1));

/** A route's documented request: query fields for GET, a JSON body otherwise; nothing else. */
export type Route = { query?: z.ZodMiniType; body?: z.ZodMiniType };

/** The routes that read and tag a model's versions, which every stand-in plays. */
export const versionRoutes: Record<string, Route> = {
  [`GET ${UC}/model-versions/get`]: { query: z.strictObject({ name: threeLevel, version: versionNumber }) },
  [`GET ${UC}/registered-models/get`]: { query: z.strictObject({ name: threeLevel }) },
  // One condition, string in single quotes; no order_by (Unity Catalog refuses it).
  [`GET ${UC}/model-versions/search`]: {
    query: z.strictObject({
      filter: z.string().check(z.regex(/^name='[^']+'$/)),
      max_results: z.optional(z.string().check(z.regex(/^([1-9]\d{0,3}|10000)$/))),
      page_token: z.optional(text),
    }),
  },
  [`POST ${UC}/model-versions/set-tag`]: {
    body: z.strictObject({ name: threeLevel, version: versionNumber, key: text, value: z.string() }),
  },
};

/** zod/mini words its issues tersely ("Invalid input"): name the unexpected keys and failed patterns. */
export function explain(issues: readonly core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.join('.') || '(request)';
      if (issue.code === 'unrecognized_keys') return `${path}: unexpected ${issue.keys.join(', ')}`;
      if (issue.code === 'invalid_format') return `${path}: not of the documented form`;
      return describeIssues([issue]);
    })
    .join('; ');
}
