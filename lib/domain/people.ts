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
import type { PersonEntry } from './peopleFile';

export type { PersonEntry } from './peopleFile';

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

/**
 * How identities compare: trimmed, case-insensitive.
 *
 * @example
 *   normaliseIdentity(' Ana@Example.com '); // 'ana@example.com'
 */
export function normaliseIdentity(value: string): string {
  return value.trim().toLowerCase();
}

/** An identity two people claim, at its place under `people:` (name, field, list index). */
interface PeopleProblem {
  at: Array<string | number>;
  message: string;
}

/**
 * Builds the directory from the merged `people:` maps, reporting every identity that two people
 * claim (a validation error: it would let one person count as another), at the later claim.
 *
 * @example
 *   buildPeopleDirectory({ a: { email: 'x@y.z', registry: [] }, b: { email: 'X@y.z', registry: [] } }).problems;
 *   // [{ at: ['b', 'email'], message: 'X@y.z is already an identity of a' }]
 */
export function buildPeopleDirectory(entries: Record<string, PersonEntry>): {
  directory: PeopleDirectory;
  problems: PeopleProblem[];
} {
  const directory: PeopleDirectory = { people: {}, identities: {} };
  const problems: PeopleProblem[] = [];
  const names = new Map(Object.keys(entries).map((name) => [normaliseIdentity(name), name]));
  for (const [name, entry] of Object.entries(entries)) {
    const claims: Array<{ value: string; at: Array<string | number> }> = [
      ...(entry.email === undefined ? [] : [{ value: entry.email, at: [name, 'email'] }]),
      ...(entry.slack === undefined ? [] : [{ value: entry.slack, at: [name, 'slack'] }]),
      ...entry.registry.map((value, i) => ({ value, at: [name, 'registry', i] })),
    ];
    const key = normaliseIdentity(name);
    // Names come first: a name is its person's whatever another entry lists (`Bob` and `bob` are one name).
    const named = names.get(key)!;
    if (named !== name) {
      problems.push({ at: [name], message: `${name} is already the name of ${named}` });
      continue;
    }
    directory.identities[key] = name;
    const identities = [key];
    for (const { value, at } of claims) {
      const id = normaliseIdentity(value);
      const owner = names.get(id) ?? directory.identities[id];
      if (owner !== undefined && owner !== name) {
        problems.push({ at, message: `${value.trim()} is already an identity of ${owner}` });
        continue;
      }
      directory.identities[id] = name;
      if (!identities.includes(id)) identities.push(id);
    }
    directory.people[name] = {
      name,
      ...(entry.email !== undefined && { email: entry.email }),
      ...(entry.slack !== undefined && { slack: entry.slack }),
      identities,
    };
  }
  return { directory, problems };
}

/**
 * An e-mail address: links and e-mail reach it.
 *
 * @example
 *   isEmail('ana@example.com'); // true
 */
export function isEmail(value: string): boolean {
  return /^[^@\s]+@[^@\s]+$/.test(value.trim());
}

/**
 * A Slack user id (`U024BE7LH`, `W…`): Slack clicks and direct messages come from it.
 *
 * @example
 *   isSlackId('U024BE7LH'); // true
 */
export function isSlackId(value: string): boolean {
  return /^[UW][A-Z0-9]{2,}$/.test(value.trim());
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
    ...(isEmail(bare) ? { email: bare } : isSlackId(bare) ? { slack: bare } : {}),
    identities: [id],
  };
}

/**
 * Whether two people are one: by name when the directory knows them, by the identity (trimmed,
 * case-insensitive) when it does not.
 */
function isSame(a: Person, b: Person): boolean {
  return normaliseIdentity(a.name) === normaliseIdentity(b.name);
}

/**
 * Whether two identities belong to the same person.
 *
 * @example
 *   samePerson(directory, 'alice', 'U0ALICE'); // true: the registry user and the Slack id are alice's
 */
export function samePerson(
  directory: PeopleDirectory,
  a: string | undefined,
  b: string | undefined,
): boolean {
  if (a === undefined || b === undefined || a.trim() === '' || b.trim() === '') return false;
  return isSame(personOf(directory, a), personOf(directory, b));
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
  return approvers.some((a) => isSame(personOf(directory, a), person)) ? person : undefined;
}

/**
 * A person as refusals and answers name them: the name, and the identity they acted with when
 * it is another one.
 *
 * @example
 *   describePerson(personOf(directory, 'U0ALICE'), 'U0ALICE'); // 'alice (U0ALICE)'
 *   describePerson(personOf(emptyDirectory, 'U0BOB'), 'U0BOB'); // 'U0BOB'
 */
export function describePerson(person: Person, identity: string): string {
  const used = identity.trim();
  return normaliseIdentity(used) === normaliseIdentity(person.name)
    ? person.name
    : `${person.name} (${used})`;
}
