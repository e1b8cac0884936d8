/**
 * A set of policies, however they were read (YAML files or the compiled JSON the functions ship):
 * one policy per model claim, the people directory merged from every people file, and
 * `policyFor`, which picks the policy that governs a registered model (precedence rules in
 * modelPattern.ts). No file reading and no YAML here, so the functions' bundles can use it without
 * the YAML parser.
 *
 * @example
 *   policyFor(set.policies, 'fraud-detector')?.model; // 'fraud-detector', even if fraud-*.yaml exists
 */
import {
  buildPeopleDirectory,
  isEmail,
  isSlackId,
  normaliseIdentity,
  type PeopleDirectory,
  type PersonEntry,
} from '../../domain/people';
import type { Policy } from '../../domain/policy';
import { dottedPath, type PolicyProblem } from './errors';
import { claimKey, comparePrecedence, type ModelPattern, modelPattern } from './modelPattern';

/** A valid policy and the file it came from (its name inside the policy directory). */
export interface PolicyEntry {
  file: string;
  policy: Policy;
}

/** A valid people file's `people:` map and the file's name. */
export interface PeopleEntry {
  file: string;
  people: Record<string, PersonEntry>;
}

export interface PolicySet {
  /** Where the set was read from: the policy directory, or the compiled policies file. */
  dir: string;
  /** The valid policies, by file name; a file with any problem is left out. */
  policies: PolicyEntry[];
  /** Who is who, merged from every people file (empty when there is none). */
  people: PeopleDirectory;
  /** The people files as read, for the compiled policies. */
  peopleFiles: PeopleEntry[];
  problems: PolicyProblem[];
}

/** One checked file, as assemblePolicySet takes it. */
export interface CheckedFile {
  file: string;
  policy?: Policy;
  people?: Record<string, PersonEntry>;
  problems: readonly PolicyProblem[];
  /** The line of a node, when the file was YAML (problems found while merging carry it). */
  lineOf?: (at: readonly PropertyKey[]) => number | undefined;
}

/**
 * Gathers checked files into a set, in the order given: merges the people files (reporting a name
 * two files define and an identity two people claim), reports a file claiming a model an earlier
 * file already claims (the later one is left out), and an approver that is neither a known person
 * nor an e-mail address or Slack id (probably a typo; that policy is left out).
 *
 * @example
 *   assemblePolicySet('policies', [{ file: 'a.yaml', policy, problems: [] }]).policies; // [{ file: 'a.yaml', policy }]
 */
export function assemblePolicySet(dir: string, files: Iterable<CheckedFile>): PolicySet {
  const checked = [...files];
  const problems: PolicyProblem[] = checked.flatMap((f) => f.problems);
  const { people, peopleFiles } = mergePeople(checked, problems);
  const policies: PolicyEntry[] = [];
  const claimedBy = new Map<string, string>();
  for (const { file, policy, lineOf } of checked) {
    if (!policy) continue;
    const unknown = unknownApprovers(policy, people);
    for (const i of unknown) {
      const at = ['approval', 'approvers', i];
      const approver = policy.approval?.approvers[i];
      const message = `${approver} is neither a person in the people files nor an e-mail address or Slack user id`;
      problems.push({ file, path: dottedPath(at), message, ...lineAt(lineOf, at) });
    }
    if (unknown.length > 0) continue;
    const claim = claimKey(policy.model);
    const first = claimedBy.get(claim);
    if (first !== undefined) {
      problems.push({ file, path: 'model', message: `${policy.model} is already claimed by ${first}` });
      continue;
    }
    claimedBy.set(claim, file);
    policies.push({ file, policy });
  }
  return { dir, policies, people, peopleFiles, problems };
}

function lineAt(lineOf: CheckedFile['lineOf'], at: readonly PropertyKey[]): { line?: number } {
  const line = lineOf?.(at);
  return line === undefined ? {} : { line };
}

/** Every people file merged into one directory; problems are added to `problems`. */
function mergePeople(files: readonly CheckedFile[], problems: PolicyProblem[]) {
  const merged: Record<string, PersonEntry> = {};
  const definedIn = new Map<string, CheckedFile>();
  const peopleFiles: PeopleEntry[] = [];
  for (const entry of files) {
    if (!entry.people) continue;
    peopleFiles.push({ file: entry.file, people: entry.people });
    for (const [name, person] of Object.entries(entry.people)) {
      const first = definedIn.get(name);
      if (first) {
        const at = ['people', name];
        const message = `${name} is already defined in ${first.file}`;
        problems.push({ file: entry.file, path: dottedPath(at), message, ...lineAt(entry.lineOf, at) });
        continue;
      }
      definedIn.set(name, entry);
      merged[name] = person;
    }
  }
  const { directory, problems: claims } = buildPeopleDirectory(merged);
  for (const { at, message } of claims) {
    const file = definedIn.get(String(at[0]))!;
    const path = ['people', ...at];
    problems.push({ file: file.file, path: dottedPath(path), message, ...lineAt(file.lineOf, path) });
  }
  return { people: directory, peopleFiles };
}

/** The indexes of approvers that are no known person and no e-mail address or Slack id. */
function unknownApprovers(policy: Policy, people: PeopleDirectory): number[] {
  return (policy.approval?.approvers ?? []).flatMap((a, i) =>
    isEmail(a) || isSlackId(a) || people.identities[normaliseIdentity(a)] !== undefined ? [] : [i],
  );
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
