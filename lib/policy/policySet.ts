/**
 * Policies as code: every `*.yaml` / `*.yml` file in a directory holds one promotion policy.
 * Loading never stops at the first mistake: it returns every valid policy and every problem
 * (file, dotted path, message, line), so `baton policy validate` can list them all. `policyFor`
 * picks the policy that governs a registered model (precedence rules in modelPattern.ts).
 *
 * @example
 *   const set = loadPolicySet('policies');
 *   set.problems;                                   // [] when every file is valid
 *   policyFor(set.policies, 'fraud-detector')?.model; // 'fraud-detector', even if fraud-*.yaml exists
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Policy } from '../domain/policy';
import { InvalidPolicySetError, PolicyDirectoryError, type PolicyProblem } from './errors';
import { claimKey, comparePrecedence, type ModelPattern, modelPattern } from './modelPattern';
import { parsePolicyFile } from './policyFile';

/** A valid policy and the file it came from (its name inside the policy directory). */
export interface PolicyEntry {
  file: string;
  policy: Policy;
}

export interface PolicySet {
  dir: string;
  /** The valid policies, by file name; a file with any problem is left out. */
  policies: PolicyEntry[];
  problems: PolicyProblem[];
}

// Dot-files are editor and OS litter (`.#fraud.yaml`, `._fraud.yaml`), never policies.
const policyFileName = /^[^.].*\.ya?ml$/i;

/**
 * Reads and validates every policy file in `dir`, and reports two files claiming the same model.
 * Throws PolicyDirectoryError only when the directory itself cannot be read.
 *
 * @example
 *   loadPolicySet('policies').problems;
 *   // [{ file: 'fraud.yaml', path: 'checks.metrics.0', message: 'give min, max or both', line: 7 }]
 */
export function loadPolicySet(dir: string): PolicySet {
  let files: string[];
  try {
    files = readdirSync(dir, { withFileTypes: true })
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && policyFileName.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw new PolicyDirectoryError(dir, error);
  }
  const policies: PolicyEntry[] = [];
  const problems: PolicyProblem[] = [];
  const claimedBy = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch (error) {
      problems.push({ file, path: '(file)', message: `cannot read: ${(error as Error).message}` });
      continue;
    }
    const { policy, problems: found } = parsePolicyFile(file, text);
    problems.push(...found);
    if (!policy) continue;
    const claim = claimKey(policy.model);
    const first = claimedBy.get(claim);
    if (first !== undefined) {
      problems.push({ file, path: 'model', message: `${policy.model} is already claimed by ${first}` });
      continue;
    }
    claimedBy.set(claim, file);
    policies.push({ file, policy });
  }
  return { dir, policies, problems };
}

/**
 * The policy that governs `modelName`: an exact name beats a glob, the most specific glob beats
 * the others. Undefined when no policy matches: the worker records the model as unmanaged.
 *
 * @example
 *   policyFor(set.policies, 'fraud-detector-eu'); // fraud-detector-*.yaml's policy rather than fraud-*.yaml's
 *   policyFor(set.policies, 'not-ours');          // undefined
 */
export function policyFor(policies: readonly PolicyEntry[], modelName: string): Policy | undefined {
  let best: { file: string; pattern: ModelPattern; policy: Policy } | undefined;
  for (const { file, policy } of policies) {
    const candidate = { file, pattern: modelPattern(policy.model), policy };
    if (!candidate.pattern.regexp.test(modelName)) continue;
    if (!best || comparePrecedence(candidate, best) < 0) best = candidate;
  }
  return best?.policy;
}

/**
 * The policies in the order `policyFor` prefers them: exact names, then globs, most specific first.
 *
 * @example
 *   byPrecedence(set.policies).map((e) => e.policy.model); // ['fraud-detector', 'fraud-*', '*']
 */
export function byPrecedence(policies: readonly PolicyEntry[]): PolicyEntry[] {
  return policies
    .map((entry) => ({ entry, file: entry.file, pattern: modelPattern(entry.policy.model) }))
    .sort(comparePrecedence)
    .map(({ entry }) => entry);
}

/**
 * Where the functions find their policies: `POLICIES_DIR` (default `policies`), relative to the
 * unpacked bundle (`LAMBDA_TASK_ROOT`, where serverless.yml packs policies/) in Lambda and to the
 * working directory elsewhere (the repository root for the local runtime and the CLI).
 *
 * @example
 *   resolvePoliciesDir({ LAMBDA_TASK_ROOT: '/var/task' }); // '/var/task/policies'
 */
export function resolvePoliciesDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), env.POLICIES_DIR || 'policies');
}

const loaded = new Map<string, PolicySet>();

/**
 * The functions' policy set, read once per cold start: the files ship inside the zip, so they
 * cannot change under a running sandbox. Fails closed: any problem throws InvalidPolicySetError
 * (CI runs `baton policy validate`, so this means a broken deploy, not a broken file to skip).
 *
 * @example
 *   const policy = policyFor(loadPolicySetFromEnv().policies, event.model);
 */
export function loadPolicySetFromEnv(env: Record<string, string | undefined> = process.env): PolicySet {
  const dir = resolvePoliciesDir(env);
  const cached = loaded.get(dir);
  if (cached) return cached;
  const set = loadPolicySet(dir);
  if (set.problems.length > 0) throw new InvalidPolicySetError(dir, set.problems);
  loaded.set(dir, set);
  return set;
}
