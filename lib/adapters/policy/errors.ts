/**
 * What can be wrong with the policies in policies/: a problem in one file (reported, never thrown,
 * so `baton policy validate` can list them all) and the errors that stop a function from using a
 * policy set at all.
 *
 * @example
 *   formatProblem({ file: 'fraud.yaml', path: 'checks.metrics.0', message: 'give min, max or both', line: 7 }, 'policies');
 *   // "policies/fraud.yaml: checks.metrics.0: give min, max or both (line 7)"
 */
import { join } from 'node:path';

/** One thing wrong with one policy file. */
export interface PolicyProblem {
  /** The file's name inside the policy directory, e.g. `fraud-detector.yaml`. */
  file: string;
  /** Dotted path into the document (`checks.metrics.0`), or `line L, column C` for YAML syntax. */
  path: string;
  message: string;
  /** 1-based line of the offending node, when the document could be parsed. */
  line?: number;
}

/**
 * A location as problems print it: dotted keys and indexes, `(document)` for the root.
 *
 * @example
 *   dottedPath(['checks', 'metrics', 0]); // 'checks.metrics.0'
 */
export function dottedPath(at: readonly PropertyKey[]): string {
  return at.map(String).join('.') || '(document)';
}

/**
 * One problem as one line: `file: path: message (line N)`, the file joined to `dir` when given.
 *
 * @example
 *   formatProblem({ file: 'a.yaml', path: 'model', message: 'missing' }); // "a.yaml: model: missing"
 */
export function formatProblem(problem: PolicyProblem, dir?: string): string {
  const file = dir === undefined ? problem.file : join(dir, problem.file);
  const line = problem.line === undefined ? '' : ` (line ${problem.line})`;
  return `${file}: ${problem.path}: ${problem.message}${line}`;
}

export class PolicyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyError';
  }
}

/** The policy directory is missing or unreadable: a packaging or POLICIES_DIR mistake. */
export class PolicyDirectoryError extends PolicyError {
  constructor(
    readonly dir: string,
    cause: unknown,
  ) {
    super(`cannot read the policy directory ${dir}: ${(cause as Error).message}`, { cause });
    this.name = 'PolicyDirectoryError';
  }
}

/**
 * A function's zip lacks its compiled policies (or they cannot be read): a packaging mistake, since
 * `serverless package` always writes them. The bundle carries no YAML parser to fall back on.
 */
export class MissingCompiledPoliciesError extends PolicyError {
  constructor(
    readonly path: string,
    cause?: unknown,
  ) {
    const detail = cause === undefined ? '' : `: ${(cause as Error).message}`;
    super(`cannot read the compiled policies ${path}${detail}; package with \`serverless package\``, {
      cause,
    });
    this.name = 'MissingCompiledPoliciesError';
  }
}

/**
 * At least one policy file is invalid. Functions refuse the whole set (fail closed): skipping a
 * broken `fraud-detector.yaml` could let a laxer glob policy such as `fraud-*` govern that model.
 */
export class InvalidPolicySetError extends PolicyError {
  constructor(
    readonly dir: string,
    readonly problems: readonly PolicyProblem[],
  ) {
    const shown = problems.slice(0, 5).map((p) => formatProblem(p));
    const more = problems.length > shown.length ? `; … ${problems.length - shown.length} more` : '';
    super(`invalid policies in ${dir} (run \`baton policy validate\`): ${shown.join('; ')}${more}`);
    this.name = 'InvalidPolicySetError';
  }
}

/** A `model:` glob that cannot be compiled, e.g. an unterminated `[`. */
export class InvalidModelPatternError extends PolicyError {
  constructor(
    readonly pattern: string,
    detail: string,
  ) {
    super(`invalid model pattern ${JSON.stringify(pattern)}: ${detail}`);
    this.name = 'InvalidModelPatternError';
  }
}
