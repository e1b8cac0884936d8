/**
 * A set of policies, however they were read (YAML files or the compiled JSON the functions ship):
 * one policy per model claim, and `policyFor`, which picks the policy that governs a registered
 * model (precedence rules in modelPattern.ts). No file reading and no YAML here, so the functions'
 * bundles can use it without the YAML parser.
 *
 * @example
 *   policyFor(set.policies, 'fraud-detector')?.model; // 'fraud-detector', even if fraud-*.yaml exists
 */
import type { Policy } from '../domain/policy';
import type { PolicyProblem } from './errors';
import { claimKey, comparePrecedence, type ModelPattern, modelPattern } from './modelPattern';

/** A valid policy and the file it came from (its name inside the policy directory). */
export interface PolicyEntry {
  file: string;
  policy: Policy;
}

export interface PolicySet {
  /** Where the set was read from: the policy directory, or the compiled policies file. */
  dir: string;
  /** The valid policies, by file name; a file with any problem is left out. */
  policies: PolicyEntry[];
  problems: PolicyProblem[];
}

/**
 * Gathers checked files into a set, in the order given, and reports a file claiming a model an
 * earlier file already claims (the later one is left out).
 *
 * @example
 *   assemblePolicySet('policies', [{ file: 'a.yaml', policy, problems: [] }]).policies; // [{ file: 'a.yaml', policy }]
 */
export function assemblePolicySet(
  dir: string,
  files: Iterable<{ file: string; policy?: Policy; problems: readonly PolicyProblem[] }>,
): PolicySet {
  const policies: PolicyEntry[] = [];
  const problems: PolicyProblem[] = [];
  const claimedBy = new Map<string, string>();
  for (const { file, policy, problems: found } of files) {
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
