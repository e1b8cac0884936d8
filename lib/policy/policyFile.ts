/**
 * One policy file: YAML syntax, then the checks every policy document gets (policyCheck.ts), each
 * mistake placed on the line it is on. Only `baton policy validate`, the package-time compiler and
 * runs from the TypeScript sources read YAML; the functions' bundles read compiled JSON.
 *
 * @example
 *   parsePolicyFile('a.yaml', 'model: a\nchecks: { metrics: [{ name: auc }] }').problems;
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
import type { Policy } from '../domain/policy';
import type { PolicyProblem } from './errors';
import { checkPolicy, dottedPath } from './policyCheck';

/**
 * Parses one policy file's text; `policy` is set only when there are no problems.
 *
 * @example
 *   parsePolicyFile('demo.yaml', 'model: baton-demo').policy?.checks.runStatus; // ['FINISHED']
 */
export function parsePolicyFile(file: string, text: string): { policy?: Policy; problems: PolicyProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) return { problems: doc.errors.map((e) => syntaxProblem(file, e, lineCounter)) };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { problems: [{ file, path: '(document)', message: (error as Error).message }] };
  }
  const checked = checkPolicy(data);
  if (checked.policy) return { policy: checked.policy, problems: [] };
  const problems = checked.found.map(({ at, message }) => ({
    file,
    path: dottedPath(at),
    message,
    line: nodeLine(doc, lineCounter, at),
  }));
  return { problems };
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
