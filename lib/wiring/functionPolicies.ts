/**
 * The functions' policy set, read once per cold start. A bundle reads the compiled policies its
 * zip carries (`LAMBDA_TASK_ROOT`), sealed by the SHA-256 the build defined in its code as
 * `process.env.BATON_POLICIES_SHA256` (scripts/esbuildPlugins.cjs; sealedPolicies.ts): checked
 * against the policy schema when they were compiled, they are not checked again, so no bundle
 * builds that schema. Run from the sources there is no digest: a compiled file in the task root is
 * checked again against the schema (compiledPolicies.ts), else the YAML directory is read
 * (policyFiles.ts), both through dynamic imports that a bundle, its digest a constant, drops.
 *
 * @example
 *   const policy = policyFor((await loadFunctionPolicies()).policies, event.model);
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicySet } from '../adapters/policy/policyLookup';
import { compiledPoliciesPath, readSealedPolicies } from '../adapters/policy/sealedPolicies';

const loaded = new Map<string, PolicySet>();

export async function loadFunctionPolicies(
  env: Record<string, string | undefined> = process.env,
): Promise<PolicySet> {
  const compiled = join(env.LAMBDA_TASK_ROOT ?? process.cwd(), compiledPoliciesPath);
  // Read where it is tested, not through a variable: esbuild folds a defined constant only there.
  if (!process.env.BATON_POLICIES_SHA256 && (env.LAMBDA_TASK_ROOT === undefined || !existsSync(compiled))) {
    return (await import('./policyFiles')).loadPolicySetFromEnv(env);
  }
  const cached = loaded.get(compiled);
  if (cached) return cached;
  const set = process.env.BATON_POLICIES_SHA256
    ? readSealedPolicies(compiled, process.env.BATON_POLICIES_SHA256)
    : (await import('./policySchema')).readCompiledPolicies(compiled);
  loaded.set(compiled, set);
  return set;
}
