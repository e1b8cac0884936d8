/**
 * One policy document, already parsed from YAML or JSON: the policy schema, then the `model:` glob.
 * The schema is passed in (lib/wiring/policySchema.ts binds it to the catalog's serving kinds).
 * Every mistake becomes a path into the document and a message an operator can act on (zod/mini
 * carries no message locale, so its own messages would all read "Invalid input"). No YAML here:
 * the functions check their compiled policies (compiledPolicies.ts) with this alone.
 *
 * @example
 *   checkPolicy({ model: 'a', checks: { metrics: [{ name: 'auc' }] } }, policySchema).found;
 *   // [{ at: ['checks', 'metrics', 0], message: 'give min, max or both' }]
 */
import type { core } from 'zod/mini';
import type { PersonEntry } from '../../domain/people';
import { peopleFileSchema } from '../../domain/peopleFile';
import type { Policy, PolicySchema } from '../../domain/policy';
import { compileModelPattern } from './modelPattern';

/** One mistake in a document: where (keys and indexes from its root), and what. */
export interface Found {
  at: readonly PropertyKey[];
  message: string;
}

/**
 * The valid policy, or every mistake in `data`.
 *
 * @example
 *   checkPolicy({ model: 'baton-demo' }, policySchema).policy?.checks.runStatus; // ['FINISHED']
 */
export function checkPolicy(
  data: unknown,
  policySchema: PolicySchema,
): { policy: Policy; found?: never } | { policy?: never; found: Found[] } {
  const result = policySchema.safeParse(data, { reportInput: true });
  if (!result.success) return { found: result.error.issues.flatMap((i) => issueProblems(i, [])) };
  try {
    compileModelPattern(result.data.model);
  } catch (error) {
    const message = (error as Error).message.replace(/^invalid model pattern "(?:[^"\\]|\\.)*": /, '');
    return { found: [{ at: ['model'], message }] };
  }
  return { policy: result.data };
}

/**
 * Whether a document is a people file (`people:` at the top level, no `model:`) rather than a policy.
 *
 * @example
 *   isPeopleDocument({ people: { alice: { email: 'alice@acme.io' } } }); // true
 */
export function isPeopleDocument(data: unknown): boolean {
  return typeof data === 'object' && data !== null && 'people' in data && !('model' in data);
}

/**
 * The valid `people:` map of a people file, or every mistake in `data`.
 *
 * @example
 *   checkPeople({ people: { alice: { slack: 'U0ALICE' } } }).people?.alice?.registry; // []
 */
export function checkPeople(
  data: unknown,
): { people: Record<string, PersonEntry>; found?: never } | { people?: never; found: Found[] } {
  const result = peopleFileSchema.safeParse(data, { reportInput: true });
  if (!result.success) return { found: result.error.issues.flatMap((i) => issueProblems(i, [])) };
  return { people: result.data.people };
}

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
      if (issue.format === 'email') return `expected an e-mail address, got ${describeValue(issue.input)}`;
      return issue.message === 'Invalid input' ? `expected the ${issue.format} format` : issue.message;
    case 'invalid_key':
      return issue.issues[0] ? describeIssue(issue.issues[0]) : issue.message;
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
