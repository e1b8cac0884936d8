/**
 * Turns zod issues into one readable line that names each offending field.
 *
 * @example
 *   describeIssues(result.error.issues); // "data.version: expected string; action: missing"
 */
import type { core } from 'zod/mini';

export function describeIssues(issues: readonly core.$ZodIssue[], prefix: (string | number)[] = []): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = [...prefix, ...issue.path.map(String)].join('.') || '(body)';
      if (issue.code === 'invalid_type') {
        return issue.input === undefined ? `${path}: missing` : `${path}: expected ${issue.expected}`;
      }
      if (issue.code === 'too_big') return `${path}: too long (max ${issue.maximum})`;
      if (issue.code === 'too_small') return `${path}: too short (min ${issue.minimum})`;
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
