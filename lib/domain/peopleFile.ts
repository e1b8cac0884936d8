/**
 * A people file's schema: `people:` at the top level, each person once with every identity they
 * have (people.ts says what the directory built from it is for). Apart from people.ts so that the
 * functions, which read people already checked when the policies were compiled, build no schema.
 *
 * @example
 *   peopleFileSchema.parse({ people: { alice: { slack: 'U0ALICE' } } }).people.alice.registry; // []
 */
import * as z from 'zod/mini';

const identity = z.string().check(z.trim(), z.minLength(1), z.maxLength(320));

/** One person's entry in a people file. */
const personEntrySchema = z.strictObject({
  /** For links and e-mail (Amazon SES). */
  email: z.optional(z.email()),
  /** Slack user id (U…/W…), for Slack clicks and direct messages. */
  slack: z.optional(identity),
  /** The user names the registry records for this person (MLflow `user_id`, run user). */
  registry: z._default(z.array(identity), []),
});
export type PersonEntry = z.infer<typeof personEntrySchema>;

/** A people file: `people:` at the top level instead of `model:`. */
export const peopleFileSchema = z.strictObject({
  people: z.record(
    z
      .string()
      .check(
        z.regex(/^[A-Za-z0-9._-]{1,100}$/, 'a person name is letters, digits, dots, dashes and underscores'),
      ),
    personEntrySchema,
  ),
});
