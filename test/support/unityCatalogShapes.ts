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
