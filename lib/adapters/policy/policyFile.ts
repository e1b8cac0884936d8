/**
 * One policy file: YAML syntax, then the checks every policy document gets (policyCheck.ts), each
 * mistake placed on the line it is on. A file with `people:` at the top level instead of `model:`
 * is a people file (who is who, lib/domain/people.ts), checked the same way. Only `baton policy validate`, the package-time compiler and
 * runs from the TypeScript sources read YAML; the functions' bundles read compiled JSON.
 *
 * @example
 *   parsePolicyFile('a.yaml', 'model: a\nchecks: { metrics: [{ name: auc }] }', policySchema).problems;
 *   // [{ file: 'a.yaml', path: 'checks.metrics.0', message: 'give min, max or both', line: 2 }]
 */
import {
  type Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type YAMLError,
} from 'yaml';
import type { PersonEntry } from '../../domain/people';
import type { Policy, PolicySchema } from '../../domain/policy';
import { dottedPath, type PolicyProblem } from './errors';
import { checkPeople, checkPolicy, type Found, isPeopleDocument } from './policyCheck';

/** A parsed file: its policy or its people when it has no problems, and where its nodes are. */
export interface ParsedFile {
  policy?: Policy;
  people?: Record<string, PersonEntry>;
  problems: PolicyProblem[];
  /** The line of the node at a path (keys and indexes), for problems found when files are merged. */
  lineOf?: (at: readonly PropertyKey[]) => number | undefined;
}

/**
 * Parses one policy (or people) file's text; `policy` or `people` is set only when there are no problems.
 *
 * @example
 *   parsePolicyFile('demo.yaml', 'model: baton-demo', policySchema).policy?.checks.runStatus; // ['FINISHED']
 *   parsePolicyFile('people.yaml', 'people: { bob: { slack: U0BOB } }', policySchema).people?.bob?.slack; // 'U0BOB'
 */
export function parsePolicyFile(file: string, text: string, policySchema: PolicySchema): ParsedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) return { problems: doc.errors.map((e) => syntaxProblem(file, e, lineCounter)) };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { problems: [{ file, path: '(document)', message: (error as Error).message }] };
  }
  const lineOf = (at: readonly PropertyKey[]) => nodeLine(doc, lineCounter, at);
  const placed = (found: Found[]) =>
    found.map(({ at, message }) => ({ file, path: dottedPath(at), message, line: lineOf(at) }));
  if (isPeopleDocument(data)) {
    const checked = checkPeople(data);
    return checked.people
      ? { people: checked.people, problems: [], lineOf }
      : { problems: placed(checked.found) };
  }
  const checked = checkPolicy(data, policySchema);
  if (checked.policy) return { policy: checked.policy, problems: [], lineOf };
  return { problems: placed(checked.found) };
}

function syntaxProblem(file: string, error: YAMLError, lineCounter: LineCounter): PolicyProblem {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  const message =
    error.code === 'MULTIPLE_DOCS'
      ? 'one policy per file, but this file holds several YAML documents (---)'
      : error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
  return { file, path: `line ${line}, column ${col}`, message };
}

/** The 1-based line of the deepest node on `at` that exists (a missing key points at its parent). */
function nodeLine(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  at: readonly PropertyKey[],
): number | undefined {
  for (let n = at.length; n >= 0; n--) {
    const offset = nodeStart(doc, at.slice(0, n));
    if (offset !== undefined) return lineCounter.linePos(offset).line;
  }
  return undefined;
}

/** Where the node at `at` starts: the key of a mapping entry, or the item of a list. */
function nodeStart(doc: Document.Parsed, at: readonly PropertyKey[]): number | undefined {
  if (at.length === 0) return isNode(doc.contents) ? doc.contents.range[0] : undefined;
  const parent = at.length === 1 ? doc.contents : doc.getIn(at.slice(0, -1), true);
  const last = at[at.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(last));
    return isNode(pair?.key) ? pair.key.range?.[0] : undefined;
  }
  if (isSeq(parent)) {
    const item = parent.items[Number(last)];
    return isNode(item) ? item.range?.[0] : undefined;
  }
  return undefined;
}
