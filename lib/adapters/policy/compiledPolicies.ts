/**
 * The policies the functions run with. `serverless package` compiles policies/*.yaml into one JSON
 * file (scripts/compilePolicies.ts, run by the esbuild plugin in scripts/esbuildPlugins.cjs), which
 * the worker's, the tick's and the UI's zips carry, sealed by its SHA-256 in their code: the
 * bundles read it with sealedPolicies.ts, without a YAML parser or the policy schema.
 *
 * Fail closed at both ends: compiling refuses an invalid policy set (the package fails), and a
 * bundle refuses the whole set when the file is missing or is not the one it was built with. Runs
 * from the sources (the local stack, tests) that find a compiled file read it here, every policy
 * and people file checked again against the schema, as the YAML loader would.
 *
 * @example
 *   writeFileSync(compiledPoliciesPath, compilePolicySet(loadPolicySet('policies', policySchema)));
 *   readCompiledPolicies(compiledPoliciesPath, policySchema).policies.length; // 2
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as z from 'zod/mini';
import type { PolicySchema } from '../../domain/policy';
import {
  dottedPath,
  InvalidPolicySetError,
  MissingCompiledPoliciesError,
  type PolicyProblem,
} from './errors';
import { checkPeople, checkPolicy, type Found } from './policyCheck';
import { assemblePolicySet, type PolicySet } from './policyLookup';
import type { CompiledPolicies } from './sealedPolicies';

const compiledSchema = z.strictObject({
  format: z.literal(1),
  policies: z.array(z.strictObject({ file: z.string(), policy: z.unknown() })),
  /** The people files (who is who); absent in files compiled before people existed. */
  people: z.optional(z.array(z.strictObject({ file: z.string(), people: z.unknown() }))),
});

/**
 * The compiled form of a valid policy set (the policies as validated, defaults filled in).
 * Throws InvalidPolicySetError when the set has any problem.
 *
 * @example
 *   writeFileSync(compiledPoliciesPath, compilePolicySet(loadPolicySet('policies', policySchema)));
 */
export function compilePolicySet(set: PolicySet): string {
  if (set.problems.length > 0) throw new InvalidPolicySetError(set.dir, set.problems);
  const compiled: CompiledPolicies = {
    format: 1,
    policies: set.policies,
    people: set.peopleFiles,
  };
  return `${JSON.stringify(compiled, null, 2)}\n`;
}

/**
 * Reads a compiled policies file and checks every policy again against `policySchema`, as the YAML
 * loader would.
 * Throws MissingCompiledPoliciesError when it cannot be read, InvalidPolicySetError on any problem.
 *
 * @example
 *   readCompiledPolicies('/var/task/.baton/build/policies.json', policySchema).policies.length; // 2
 */
export function readCompiledPolicies(path: string, policySchema: PolicySchema): PolicySet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MissingCompiledPoliciesError(path, error);
  }
  const name = basename(path);
  let compiled: z.infer<typeof compiledSchema>;
  try {
    compiled = compiledSchema.parse(JSON.parse(text));
  } catch {
    const problem = { file: name, path: '(file)', message: 'not a compiled policy set; package again' };
    throw new InvalidPolicySetError(path, [problem]);
  }
  const located = (file: string, found: Found[]): PolicyProblem[] =>
    found.map(({ at, message }) => ({ file, path: dottedPath(at), message }));
  const set = assemblePolicySet(path, [
    ...(compiled.people ?? []).map(({ file, people }) => {
      const checked = checkPeople({ people });
      return checked.people
        ? { file, people: checked.people, problems: [] }
        : { file, problems: located(file, checked.found) };
    }),
    ...compiled.policies.map(({ file, policy }) => {
      const checked = checkPolicy(policy, policySchema);
      return checked.policy
        ? { file, policy: checked.policy, problems: [] }
        : { file, problems: located(file, checked.found) };
    }),
  ]);
  if (set.problems.length > 0) throw new InvalidPolicySetError(path, set.problems);
  return set;
}
