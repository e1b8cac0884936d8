/**
 * People are not strings: one person may approve from Slack (`U0ALICE`), through a link
 * (`alice@acme.io`) and register models as `alice` in the registry. The people directory
 * (policies/people.yaml, `people:` at the top level) names each person once with every identity
 * they have, so quorum counts people and self-approval compares all of a person's identities with
 * the version's registering user. Pure: no I/O; the directory is loaded with the policies.
 *
 * An identity no person claims is a person of one identity (a bare e-mail or Slack id in a
 * policy keeps working). Identities compare trimmed and case-insensitively.
 *
 * @example
 *   const { directory } = buildPeopleDirectory({ alice: { email: 'alice@acme.io', slack: 'U0ALICE', registry: ['alice'] } });
 *   personOf(directory, 'U0ALICE').name;                  // 'alice'
 *   samePerson(directory, 'alice@acme.io', 'u0alice');    // true
 */
import * as z from 'zod/mini';

const identity = z.string().check(z.trim(), z.minLength(1), z.maxLength(320));

/** One person's entry in a people file. */
export const personEntrySchema = z.strictObject({
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
    z.string().check(z.regex(/^[A-Za-z0-9._-]{1,100}$/, 'a person name: letters, digits, . _ -')),
    personEntrySchema,
  ),
});

export interface Person {
  /** The directory's name for the person, or the identity itself for a person of one identity. */
  name: string;
  email?: string;
  slack?: string;
  /** Every identity of the person, normalised: name, e-mail, Slack id, registry user names. */
  identities: string[];
}

/** Every person by name, and every identity (normalised) to its person's name. Serialisable. */
export interface PeopleDirectory {
  people: Record<string, Person>;
  identities: Record<string, string>;
}

export const emptyDirectory: PeopleDirectory = { people: {}, identities: {} };

/** How identities compare: trimmed, case-insensitive. */
export function normaliseIdentity(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * Builds the directory from the merged `people:` maps, reporting every identity that two people
 * claim (a validation error: it would let one person count as another).
 *
 * @example
 *   buildPeopleDirectory({ a: { email: 'x@y.z', registry: [] }, b: { email: 'X@y.z', registry: [] } }).problems;
 *   // ['identity x@y.z is claimed by both a and b']
 */
export function buildPeopleDirectory(entries: Record<string, PersonEntry>): {
  directory: PeopleDirectory;
  problems: string[];
} {
  const directory: PeopleDirectory = { people: {}, identities: {} };
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    const ids = [name, entry.email, entry.slack, ...entry.registry]
      .filter((v): v is string => v !== undefined)
      .map(normaliseIdentity);
    const unique = [...new Set(ids)];
    for (const id of unique) {
      const owner = directory.identities[id];
      if (owner !== undefined && owner !== name)
        problems.push(`identity ${id} is claimed by both ${owner} and ${name}`);
      else directory.identities[id] = name;
    }
    directory.people[name] = {
      name,
      ...(entry.email !== undefined && { email: entry.email }),
      ...(entry.slack !== undefined && { slack: entry.slack }),
      identities: unique,
    };
  }
  return { directory, problems };
}

/**
 * The person an identity (a name, an e-mail, a Slack id, a registry user) belongs to; an identity
 * nobody claims is a person of one identity.
 *
 * @example
 *   personOf(emptyDirectory, 'bob@acme.io'); // { name: 'bob@acme.io', email: 'bob@acme.io', identities: ['bob@acme.io'] }
 */
export function personOf(directory: PeopleDirectory, who: string): Person {
  const id = normaliseIdentity(who);
  const name = directory.identities[id];
  const known = name === undefined ? undefined : directory.people[name];
  if (known) return known;
  const bare = who.trim();
  return {
    name: bare,
    ...(bare.includes('@') ? { email: bare } : /^[UW][A-Z0-9]{2,}$/.test(bare) ? { slack: bare } : {}),
    identities: [id],
  };
}

/** Whether two identities belong to the same person. */
export function samePerson(
  directory: PeopleDirectory,
  a: string | undefined,
  b: string | undefined,
): boolean {
  if (a === undefined || b === undefined || a.trim() === '' || b.trim() === '') return false;
  const pa = personOf(directory, a);
  const nb = normaliseIdentity(b);
  return pa.identities.includes(nb) || personOf(directory, b).name === pa.name;
}

/**
 * The person among `approvers` (names or identities from a policy) that `who` is, or undefined.
 *
 * @example
 *   approverFor(directory, ['alice', 'U0BOB'], 'alice@acme.io')?.name; // 'alice'
 */
export function approverFor(
  directory: PeopleDirectory,
  approvers: readonly string[],
  who: string,
): Person | undefined {
  const person = personOf(directory, who);
  return approvers.map((a) => personOf(directory, a)).find((p) => p.name === person.name);
}
