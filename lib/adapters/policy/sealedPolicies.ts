/**
 * The compiled policies as a function's bundle reads them: sealed by the build. `serverless
 * package` compiles policies/ into one JSON file (compiledPolicies.ts `compilePolicySet`, after
 * checking every policy and people file against the schema) and puts that file's SHA-256 into the
 * bundle's code (scripts/esbuildPlugins.cjs). A bundle reads the file, compares its digest with
 * the one it was built with and takes the policies as they were checked: it neither builds the
 * policy schema nor parses them again. Fail closed: a file that is missing, edited, truncated or
 * from another package refuses the whole set; the set is assembled (people merged, claims and
 * approvers cross-checked) as at compile time, and refused on any problem.
 *
 * No schema here and none imported: this is all the policy code the bundles carry, with
 * policyLookup.ts.
 *
 * @example
 *   readSealedPolicies('/var/task/.baton/build/policies.json', '5f2c…').policies.length; // 2
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidPolicySetError, MissingCompiledPoliciesError } from './errors';
import { assemblePolicySet, type PeopleEntry, type PolicyEntry, type PolicySet } from './policyLookup';

/** Where the compiled policies are written, relative to the repository, and so found in a zip. */
export const compiledPoliciesPath = '.baton/build/policies.json';

/** The compiled file: the policies as validated (defaults filled in) and the people files. */
export interface CompiledPolicies {
  format: 1;
  policies: PolicyEntry[];
  /** The people files (who is who); absent in files compiled before people existed. */
  people?: PeopleEntry[];
}

/**
 * The SHA-256 of a compiled policies file, as the build seals it into a bundle.
 *
 * @example
 *   policiesDigest(readFileSync('.baton/build/policies.json')); // '5f2c…' (64 hex digits)
 */
export function policiesDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The policy set of the compiled file at `path`, when its SHA-256 is `digest`.
 * Throws MissingCompiledPoliciesError when it cannot be read, InvalidPolicySetError when its digest
 * differs or the set has any problem.
 *
 * @example
 *   policyFor(readSealedPolicies(path, digest).policies, 'fraud-detector');
 */
export function readSealedPolicies(path: string, digest: string): PolicySet {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new MissingCompiledPoliciesError(path, error);
  }
  const refuse = (message: string) =>
    new InvalidPolicySetError(path, [{ file: basename(path), path: '(file)', message }]);
  if (policiesDigest(bytes) !== digest) {
    throw refuse('not the policies this package was built with (its SHA-256 differs); package again');
  }
  // Sealed: the very bytes compilePolicySet wrote from a set checked against the policy schema.
  const compiled = JSON.parse(bytes.toString('utf8')) as CompiledPolicies;
  if (compiled.format !== 1) throw refuse('not a compiled policy set; package again');
  const set = assemblePolicySet(path, [
    ...(compiled.people ?? []).map(({ file, people }) => ({ file, people, problems: [] })),
    ...compiled.policies.map(({ file, policy }) => ({ file, policy, problems: [] })),
  ]);
  if (set.problems.length > 0) throw new InvalidPolicySetError(path, set.problems);
  return set;
}
