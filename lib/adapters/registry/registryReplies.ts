/**
 * How the registry adapters read MLflow-style answers, shared by the OSS/workspace adapter
 * (mlflowRegistry.ts) and the Unity Catalog one (unityCatalogRegistry.ts): a body checked against
 * its schema, "absent" answers (an unknown version, an unset alias) turned into null, and the
 * bearer token, fixed or read per request.
 *
 * @example
 *   const version = await unless(isMissing, () => http.request('GET', path, query));
 */
import type * as z from 'zod/mini';
import { describeIssues } from '../../../events/issues';
import { RegistryRequestError, RegistryResponseError } from './errors';
import type { AuthSource, HttpAuth } from './httpClient';

/** The registry token as its secret store gives it: `fresh` asks past the cache. */
export type TokenSource = (options: { fresh: boolean }) => Promise<string | undefined>;

/** The body as `schema` says, or a RegistryResponseError naming the operation and what is wrong. */
export function parse<T extends z.ZodMiniType>(schema: T, body: unknown, operation: string): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw new RegistryResponseError(operation, describeIssues(result.error.issues));
  return result.data;
}

export const isMissing = (error: unknown) =>
  error instanceof RegistryRequestError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST';

/** A create of something that is there already (a model, an experiment): nothing to do. */
export const alreadyExists = (error: unknown) =>
  error instanceof RegistryRequestError && error.errorCode === 'RESOURCE_ALREADY_EXISTS';

/** An unset alias: RESOURCE_DOES_NOT_EXIST, or (as MLflow's server words it) a 400 "alias … not found". */
export const isAliasUnset = (error: unknown) =>
  isMissing(error) ||
  (error instanceof RegistryRequestError &&
    error.errorCode === 'INVALID_PARAMETER_VALUE' &&
    /alias .+ not found/i.test(error.detail));

/** The call's result, or null when it failed in a way `absent` calls "not there". */
export async function unless<T>(
  absent: (error: unknown) => boolean,
  call: () => Promise<T>,
): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (absent(error)) return null;
    throw error;
  }
}

/** `Authorization: Bearer …` from a fixed token or a source read per request (none: no header). */
export function bearer(token: string | TokenSource | undefined): AuthSource | HttpAuth | undefined {
  if (typeof token !== 'function') return token ? { token } : undefined;
  return async (options) => {
    const value = await token(options);
    return value ? { token: value } : undefined;
  };
}
