/**
 * What a model version number is, said once: a registry's version is a whole number of at most
 * twelve digits, carried as its canonical string. Every inbound event, button value, signed link
 * and CLI argument checks a version with these, so "7" means the same everywhere.
 *
 * @example
 *   versionNumberSchema.parse('7'); // '7'
 *   isVersionNumber('7a'); // false
 *   wireVersionSchema.parse(7); // '7' (webhooks may send a number)
 */
import * as z from 'zod/mini';

/** Up to twelve digits: longer than any registry issues, short enough to stay exact as a number. */
const versionPattern = /^\d{1,12}$/;

/** A version number as Baton carries it: its canonical string. */
export const versionNumberSchema = z.string().check(z.regex(versionPattern));

/** A version as registry webhooks send it: a string of digits or a non-negative integer, kept as a string. */
export const wireVersionSchema = z.pipe(
  z.union([versionNumberSchema, z.int().check(z.nonnegative())]),
  z.transform((v) => String(v)),
);

/**
 * Whether `text` is a version number (for arguments parsed without a schema).
 *
 * @example
 *   isVersionNumber('12'); // true
 */
export function isVersionNumber(text: string): boolean {
  return versionPattern.test(text);
}
