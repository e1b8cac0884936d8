/**
 * The field schemas of MLflow's proto-JSON answers, shared by every registry adapter
 * (mlflowRegistry.ts, unityCatalogWire.ts, versionFeed.ts), so each reads the wire the same way.
 *
 * @example
 *   z.looseObject({ version: versionNumber, creation_timestamp: int64, tags: tagList });
 */
import * as z from 'zod/mini';

/** MLflow OSS sends int64 as JSON numbers, other proto encoders as strings: accept both. */
export const int64 = z.pipe(z.union([z.number(), z.string().check(z.regex(/^-?\d+$/))]), z.transform(Number));
export const versionNumber = z.pipe(z.union([z.string(), z.int()]), z.transform(String));
/** Proto strings are "" or absent when unset; the port says undefined. */
export const optionalText = z.pipe(
  z.optional(z.string()),
  z.transform((value) => value || undefined),
);
/** `[{ key, value }]` as a record; a tag without a value is "". */
export const tagList = z.pipe(
  z.optional(z.array(z.looseObject({ key: z.string(), value: z.optional(z.string()) }))),
  z.transform((tags = []) => Object.fromEntries(tags.map((tag) => [tag.key, tag.value ?? '']))),
);
