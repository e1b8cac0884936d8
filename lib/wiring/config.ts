/**
 * Configuration is the environment, checked once at cold start with a zod schema per function;
 * a missing or malformed variable fails loudly with its name instead of surfacing later.
 *
 * @example
 *   const config = readConfig(z.object({ PROMOTION_QUEUE_URL: z.url() }));
 */
import type * as z from 'zod/mini';
import { describeIssues } from '../../events/issues';

export class ConfigError extends Error {
  constructor(detail: string) {
    super(`invalid configuration: ${detail}`);
    this.name = 'ConfigError';
  }
}

export function readConfig<T extends z.ZodMiniType>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues));
  return result.data;
}
