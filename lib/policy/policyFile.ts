/**
 * One policy file: YAML syntax, then `policySchema`, then the `model:` glob. Every mistake becomes
 * a problem with a dotted path and the line it is on, in words an operator can act on (zod/mini
 * carries no message locale, so its own messages would all read "Invalid input").
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
import type { core } from 'zod/mini';
import { type Policy, policySchema } from '../domain/policy';
import type { PolicyProblem } from './errors';
import { compileModelPattern } from './modelPattern';

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
  const located = (found: Found[]) =>
    found.map(({ at, message }) => ({
      file,
      path: at.map(String).join('.') || '(document)',
      message,
      line: nodeLine(doc, lineCounter, at),
    }));
  const result = policySchema.safeParse(data, { reportInput: true });
  if (!result.success) return { problems: located(result.error.issues.flatMap((i) => issueProblems(i, []))) };
  try {
    compileModelPattern(result.data.model);
  } catch (error) {
    const message = (error as Error).message.replace(/^invalid model pattern "(?:[^"\\]|\\.)*": /, '');
    return { problems: located([{ at: ['model'], message }]) };
  }
  return { policy: result.data, problems: [] };
}

function syntaxProblem(file: string, error: YAMLError, lineCounter: LineCounter): PolicyProblem {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  const message =
    error.code === 'MULTIPLE_DOCS'
      ? 'one policy per file, but this file holds several YAML documents (---)'
      : error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
  return { file, path: `line ${line}, column ${col}`, message };
}

type Found = { at: readonly PropertyKey[]; message: string };

function issueProblems(issue: core.$ZodIssue, prefix: readonly PropertyKey[]): Found[] {
  const at = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({ at: [...at, key], message: 'unknown key' }));
  if (issue.code === 'invalid_union') return unionProblems(issue, at);
  return [{ at, message: describeIssue(issue) }];
}

/**
 * Unions in the schema are `kind`-tagged shapes. When one branch's tag matched, its own complaints
 * are the useful ones; when none did, name the tag's allowed values; otherwise list the types.
 */
function unionProblems(issue: core.$ZodIssueInvalidUnion, at: readonly PropertyKey[]): Found[] {
  const tagIssue = (branch: core.$ZodIssue[]) =>
    branch.find((i) => i.code === 'invalid_value' && i.path.length === 1);
  const matched = issue.errors.filter((branch) => !tagIssue(branch));
  if (matched.length === 1) return matched[0]!.flatMap((i) => issueProblems(i, at));
  const tags = issue.errors.map(tagIssue);
  const key = tags[0]?.path[0];
  if (matched.length === 0 && key !== undefined && tags.every((t) => t?.path[0] === key)) {
    const values = tags.flatMap((t) => (t?.code === 'invalid_value' ? t.values : []));
    return [{ at: [...at, key], message: oneOf(values, tags[0]?.input) }];
  }
  const types = issue.errors.map((b) => (b.length === 1 && b[0]?.code === 'invalid_type' ? b[0] : undefined));
  if (types.every((t) => t?.path.length === 0)) {
    const expected = types.map((t) => noun(t?.expected ?? 'something else')).join(' or ');
    return [{ at, message: `expected ${expected}, got ${describeValue(issue.input)}` }];
  }
  return [{ at, message: 'matches none of the allowed forms' }];
}

function describeIssue(issue: core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'missing'
        : `expected ${noun(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return oneOf(issue.values, issue.input);
    case 'too_small':
      return bound(issue.origin, Number(issue.minimum), issue.inclusive !== false, 'at least', 'more than');
    case 'too_big':
      return bound(issue.origin, Number(issue.maximum), issue.inclusive !== false, 'at most', 'less than');
    case 'invalid_format':
      if (issue.format === 'url') return `expected a URL, got ${describeValue(issue.input)}`;
      return issue.message === 'Invalid input' ? `expected the ${issue.format} format` : issue.message;
    default:
      return issue.message;
  }
}

function oneOf(values: readonly unknown[], input: unknown): string {
  const allowed = `${values.length === 1 ? '' : 'one of '}${values.join(', ')}`;
  return input === undefined ? `missing (${allowed})` : `expected ${allowed}, got ${describeValue(input)}`;
}

function bound(origin: string, limit: number, inclusive: boolean, within: string, beyond: string): string {
  if (origin === 'array') return `needs ${within} ${limit} item${limit === 1 ? '' : 's'}`;
  if (origin === 'string') {
    return limit === 1 && within === 'at least' ? 'must not be empty' : `needs ${within} ${limit} characters`;
  }
  return `must be ${inclusive ? within : beyond} ${limit}`;
}

const nouns: Record<string, string> = {
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};
function noun(expected: string): string {
  return nouns[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
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
