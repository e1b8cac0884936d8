/**
 * The policies the functions run with. `serverless package` compiles policies/*.yaml into one JSON
 * file (scripts/compilePolicies.ts, run by the esbuild plugin in scripts/esbuildPlugins.cjs), which
 * the worker's and the tick's zips carry; the functions read that file, so their bundles need no
 * YAML parser. Runs from the TypeScript sources (local stack, tests) have nothing compiled and read
 * the YAML directory named by POLICIES_DIR instead, through a dynamic import that the bundles drop.
 *
 * Fail closed at both ends: compiling refuses an invalid policy set (the package fails), and the
 * functions check the compiled file again with the same schema and refuse the whole set on any
 * problem, or when the file is missing. The people files ride along (an optional `people` list, so
 * a file compiled before people existed still reads) and are checked and merged again too.
 *
 * @example
 *   const set = await loadFunctionPolicies();
 *   policyFor(set.policies, 'fraud-detector');
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as z from 'zod/mini';
import type { PolicySchema } from '../../domain/policy';
import { InvalidPolicySetError, MissingCompiledPoliciesError, type PolicyProblem } from './errors';
import { checkPeople, checkPolicy, dottedPath, type Found } from './policyCheck';
import { assemblePolicySet, type PolicySet } from './policyLookup';

/** Where the compiled policies are written, relative to the repository, and so found in a zip. */
export const compiledPoliciesPath = '.baton/build/policies.json';

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
  const compiled: z.infer<typeof compiledSchema> = {
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

const loaded = new Map<string, PolicySet>();

/**
 * The functions' policy set, read once per cold start: the compiled policies in the zip
 * (`LAMBDA_TASK_ROOT`), or, running from the sources with nothing compiled, the YAML directory
 * (`loadPolicySetFromEnv`). The bundles are built with `process.env.BATON_BUNDLED` defined
 * (serverless.yml, custom.esbuild), which removes the YAML branch and its import from them.
 *
 * @example
 *   const policy = policyFor((await loadFunctionPolicies(policySchema)).policies, event.model);
 */
export async function loadFunctionPolicies(
  policySchema: PolicySchema,
  env: Record<string, string | undefined> = process.env,
): Promise<PolicySet> {
  const compiled = join(env.LAMBDA_TASK_ROOT ?? process.cwd(), compiledPoliciesPath);
  if (!process.env.BATON_BUNDLED && (env.LAMBDA_TASK_ROOT === undefined || !existsSync(compiled))) {
    const { loadPolicySetFromEnv } = await import('./policySet');
    return loadPolicySetFromEnv(policySchema, env);
  }
  const cached = loaded.get(compiled);
  if (cached) return cached;
  const set = readCompiledPolicies(compiled, policySchema);
  loaded.set(compiled, set);
  return set;
}
