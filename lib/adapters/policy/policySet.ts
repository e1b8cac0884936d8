/**
 * Policies as code: every `*.yaml` / `*.yml` file in a directory holds one promotion policy, or
 * (`people:` at the top level, conventionally people.yaml) people with all their identities.
 * Loading never stops at the first mistake: it returns every valid policy and every problem
 * (file, dotted path, message, line), so `baton policy validate` can list them all. `policyFor`
 * picks the policy that governs a registered model (precedence rules in modelPattern.ts).
 *
 * This module reads YAML; the functions' bundles never import it (they read the policies compiled
 * at package time, see compiledPolicies.ts), only runs from the TypeScript sources do.
 *
 * @example
 *   const set = loadPolicySet('policies');
 *   set.problems;                                   // [] when every file is valid
 *   policyFor(set.policies, 'fraud-detector')?.model; // 'fraud-detector', even if fraud-*.yaml exists
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PolicySchema } from '../../domain/policy';
import { InvalidPolicySetError, PolicyDirectoryError } from './errors';
import { parsePolicyFile } from './policyFile';
import { assemblePolicySet, type PolicySet } from './policyLookup';

export { byPrecedence, type PeopleEntry, type PolicyEntry, type PolicySet, policyFor } from './policyLookup';

// Dot-files are editor and OS litter (`.#fraud.yaml`, `._fraud.yaml`), never policies.
const policyFileName = /^[^.].*\.ya?ml$/i;

/**
 * Reads and validates every policy file in `dir` against `policySchema` (the wiring's, bound to
 * the catalog's serving kinds), and reports two files claiming the same model.
 * Throws PolicyDirectoryError only when the directory itself cannot be read.
 *
 * @example
 *   loadPolicySet('policies', policySchema).problems;
 *   // [{ file: 'fraud.yaml', path: 'checks.metrics.0', message: 'give min, max or both', line: 7 }]
 */
export function loadPolicySet(dir: string, policySchema: PolicySchema): PolicySet {
  let files: string[];
  try {
    files = readdirSync(dir, { withFileTypes: true })
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && policyFileName.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw new PolicyDirectoryError(dir, error);
  }
  return assemblePolicySet(
    dir,
    files.map((file) => {
      let text: string;
      try {
        text = readFileSync(join(dir, file), 'utf8');
      } catch (error) {
        return {
          file,
          problems: [{ file, path: '(file)', message: `cannot read: ${(error as Error).message}` }],
        };
      }
      return { file, ...parsePolicyFile(file, text, policySchema) };
    }),
  );
}

/**
 * Where the policy directory is when running from the sources: `POLICIES_DIR` (default
 * `policies`), relative to `LAMBDA_TASK_ROOT` when set and to the working directory otherwise
 * (the repository root for the local runtime and the CLI).
 *
 * @example
 *   resolvePoliciesDir({ LAMBDA_TASK_ROOT: '/var/task' }); // '/var/task/policies'
 */
export function resolvePoliciesDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), env.POLICIES_DIR || 'policies');
}

const loaded = new Map<string, PolicySet>();

/**
 * The YAML policy directory, read once per process (the local runtime's and the tests' functions
 * come here through `loadFunctionPolicies` when no compiled policies exist). Fails closed: any
 * problem throws InvalidPolicySetError (CI runs `baton policy validate`, so this means a broken
 * deploy, not a broken file to skip).
 *
 * @example
 *   const policy = policyFor(loadPolicySetFromEnv(policySchema, { POLICIES_DIR: 'test/fixtures/policies' }).policies, model);
 */
export function loadPolicySetFromEnv(
  policySchema: PolicySchema,
  env: Record<string, string | undefined> = process.env,
): PolicySet {
  const dir = resolvePoliciesDir(env);
  const cached = loaded.get(dir);
  if (cached) return cached;
  const set = loadPolicySet(dir, policySchema);
  if (set.problems.length > 0) throw new InvalidPolicySetError(dir, set.problems);
  loaded.set(dir, set);
  return set;
}
