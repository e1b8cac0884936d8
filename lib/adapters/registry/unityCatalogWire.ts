/**
 * What the Unity Catalog model registry says and accepts, as MLflow's own client speaks it
 * (`mlflow/protos/databricks_uc_registry_messages.proto`, MLflow 3.17.2): the model-version and
 * registered-model messages, checked with zod and mapped onto the core's ModelVersionInfo; the
 * three-level names; and the newest-first order Baton's port promises, which Unity Catalog's
 * search (no `order_by`) cannot give, so the adapter sorts here.
 *
 * Differences from the workspace/OSS registry that matter to Baton: a version's `aliases` are
 * `{alias, version}` objects, not strings; `status` may be `UNSPECIFIED`; int64 fields may come as
 * JSON strings; search results carry no aliases (and may carry no tags).
 *
 * @example
 *   ucModelName('main.fraud.detector'); // 'main.fraud.detector'
 *   ucModelName('fraud'); // throws RegistryUnsupportedError
 */
import * as z from 'zod/mini';
import type { ModelVersionInfo } from '../../domain/ports';
import { RegistryUnsupportedError } from './errors';
import { int64, optionalText, tagList, versionNumber } from './wireFields';

const aliasList = z._default(z.array(z.looseObject({ alias: z.string(), version: versionNumber })), []);

/**
 * A version is READY only once `finalize` ran; UNSPECIFIED (or none) is not READY either, so it
 * reads as PENDING_REGISTRATION: the core retries it later instead of failing it.
 */
const status = z.pipe(
  z.optional(z.enum(['UNSPECIFIED', 'PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'])),
  z.transform((value) =>
    value === 'READY' || value === 'FAILED_REGISTRATION' ? value : ('PENDING_REGISTRATION' as const),
  ),
);

const modelVersion = z.pipe(
  z.looseObject({
    name: z.string(),
    version: versionNumber,
    status,
    run_id: optionalText,
    source: optionalText,
    description: optionalText,
    user_id: optionalText,
    tags: tagList,
    aliases: aliasList,
    creation_timestamp: int64,
    last_updated_timestamp: z.optional(int64),
  }),
  z.transform(
    (mv): ModelVersionInfo => ({
      name: mv.name,
      version: mv.version,
      status: mv.status,
      runId: mv.run_id,
      source: mv.source,
      description: mv.description,
      userId: mv.user_id,
      tags: mv.tags,
      // A version's aliases are the model's aliases that point at it.
      aliases: mv.aliases.filter((a) => a.version === mv.version).map((a) => a.alias),
      creationTimestamp: mv.creation_timestamp,
      lastUpdatedTimestamp: mv.last_updated_timestamp ?? mv.creation_timestamp,
    }),
  ),
);

export const modelVersionResponse = z.looseObject({ model_version: modelVersion });
export const searchResponse = z.looseObject({
  model_versions: z._default(z.array(modelVersion), []),
  next_page_token: optionalText,
});
export const registeredModelResponse = z.looseObject({
  registered_model: z.looseObject({ aliases: aliasList }),
});

/**
 * The name as Unity Catalog wants it: `catalog.schema.model`, three non-empty parts. A quote is
 * refused too: search filters are `name='…'` and Unity Catalog reads no escapes inside them.
 */
export function ucModelName(name: string): string {
  const parts = name.split('.');
  if (parts.length !== 3 || parts.some((part) => part.trim() === '') || /['"]/.test(name)) {
    throw new RegistryUnsupportedError(
      `"${name}" is not a Unity Catalog model name: expected catalog.schema.model (three parts, no quotes)`,
    );
  }
  return name;
}

const sortKeys = {
  creation_timestamp: (v: ModelVersionInfo) => v.creationTimestamp,
  last_updated_timestamp: (v: ModelVersionInfo) => v.lastUpdatedTimestamp,
  version_number: (v: ModelVersionInfo) => Number(v.version),
} as const;

/** The port's default order: newest first, the higher version first on a tie. */
export const NEWEST_FIRST = ['creation_timestamp DESC', 'version_number DESC'];

/**
 * Sorts versions by MLflow-style `order_by` clauses (`creation_timestamp DESC`, …), since Unity
 * Catalog's search takes none; an order on anything else is refused rather than ignored.
 *
 * @example
 *   sortVersions(versions, ['creation_timestamp DESC']);
 */
export function sortVersions(versions: ModelVersionInfo[], orderBy: string[]): ModelVersionInfo[] {
  const clauses = orderBy.map((clause) => {
    const [key = '', direction = 'ASC', ...rest] = clause.trim().split(/\s+/);
    const upper = direction.toUpperCase();
    if (!Object.hasOwn(sortKeys, key) || rest.length > 0 || (upper !== 'ASC' && upper !== 'DESC')) {
      throw new RegistryUnsupportedError(
        `Unity Catalog versions cannot be ordered by "${clause}" (Baton sorts by ${Object.keys(sortKeys).join(', ')})`,
      );
    }
    return { value: sortKeys[key as keyof typeof sortKeys], sign: upper === 'DESC' ? -1 : 1 };
  });
  return [...versions].sort((a, b) => {
    for (const { value, sign } of clauses) {
      const difference = value(a) - value(b);
      if (difference !== 0) return sign * difference;
    }
    return 0;
  });
}

/** Baton's own page token over the sorted result: the offset of the next page. */
export const pageTokenOf = (offset: number) => `offset:${offset}`;

export function offsetOf(pageToken: string | undefined): number {
  if (pageToken === undefined) return 0;
  const match = /^offset:(\d+)$/.exec(pageToken);
  if (!match) throw new RegistryUnsupportedError(`"${pageToken}" is not a page token Baton gave out`);
  return Number(match[1]);
}
