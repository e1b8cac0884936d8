/**
 * The `model:` value of a policy: an exact registered-model name or a glob, and the order in which
 * policies compete for a model. Globs know `*` (any run of characters), `?` (one character),
 * `[abc]`, `[a-z]`, `[!abc]` (or `[^abc]`), and `\` to take the next character literally.
 *
 * Precedence: an exact name beats every glob; among globs the longest literal prefix wins, then
 * the fewest wildcards, then the most literal characters (so `*-detector` beats `*`), then the
 * file name (code-unit order, so it is the same on every machine).
 *
 * @example
 *   compileModelPattern('fraud-*').regexp.test('fraud-detector'); // true
 */
import { InvalidModelPatternError } from './errors';

/** A compiled `model:` value; `exact` when it has no wildcard. */
export interface ModelPattern {
  source: string;
  exact: boolean;
  /** The characters before the first wildcard, unescaped: the whole name when exact. */
  literalPrefix: string;
  wildcards: number;
  /** Literal characters anywhere in the pattern: `*-detector` has 9, `*` has none. */
  literals: number;
  regexp: RegExp;
}

/**
 * Compiles a `model:` value into an anchored RegExp; throws InvalidModelPatternError when malformed.
 * A few lines of our own rather than a dependency: minimatch and picomatch give `/` and leading
 * dots path semantics, and model names are not paths (`catalog.schema.model` in Unity Catalog).
 *
 * @example
 *   compileModelPattern('fraud-[a-c]?-*').regexp.test('fraud-b1-eu'); // true
 *   compileModelPattern('fraud-detector').exact;                     // true
 */
export function compileModelPattern(source: string): ModelPattern {
  let regexp = '';
  let literalPrefix = '';
  let wildcards = 0;
  let literals = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '*') {
      while (source[i + 1] === '*') i++;
      regexp += '.*';
      wildcards++;
    } else if (c === '?') {
      regexp += '.';
      wildcards++;
    } else if (c === '[') {
      const close = classEnd(source, i);
      if (close < 0) throw new InvalidModelPatternError(source, `unterminated [ at character ${i + 1}`);
      regexp += classToRegExp(source.slice(i + 1, close));
      wildcards++;
      i = close;
    } else {
      if (c === '\\' && i + 1 >= source.length) throw new InvalidModelPatternError(source, 'ends with \\');
      const literal = c === '\\' ? source[++i]! : c;
      regexp += literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      literals++;
      if (wildcards === 0) literalPrefix += literal;
    }
  }
  try {
    const anchored = new RegExp(`^${regexp}$`, 's');
    return { source, exact: wildcards === 0, literalPrefix, wildcards, literals, regexp: anchored };
  } catch (error) {
    // e.g. a reversed range such as [z-a]
    throw new InvalidModelPatternError(source, (error as Error).message);
  }
}

/** Index of the `]` closing the class opened at `open`; a `]` right after `[` or `[!` is a member. */
function classEnd(source: string, open: number): number {
  let i = open + 1;
  if (source[i] === '!' || source[i] === '^') i++;
  if (source[i] === ']') i++;
  return source.indexOf(']', i);
}

function classToRegExp(body: string): string {
  const negated = body.startsWith('!') || body.startsWith('^');
  const members = (negated ? body.slice(1) : body).replace(/[\\\]^[]/g, '\\$&');
  return `[${negated ? '^' : ''}${members}]`;
}

const compiled = new Map<string, ModelPattern>();

/**
 * compileModelPattern, memoised: the worker matches every event against the same few patterns.
 *
 * @example
 *   modelPattern('fraud-*') === modelPattern('fraud-*'); // true
 */
export function modelPattern(source: string): ModelPattern {
  let pattern = compiled.get(source);
  if (!pattern) {
    pattern = compileModelPattern(source);
    compiled.set(source, pattern);
  }
  return pattern;
}

/**
 * What two policy files must not share: the same exact name (escapes aside) or the same glob.
 *
 * @example
 *   claimKey('fraud\\-detector') === claimKey('fraud-detector'); // true
 */
export function claimKey(source: string): string {
  const pattern = modelPattern(source);
  return pattern.exact ? `=${pattern.literalPrefix}` : `~${source}`;
}

/**
 * Negative when `a` takes precedence over `b` for a model both match; `file` breaks ties.
 *
 * @example
 *   [globs…].sort(comparePrecedence); // exact names first, then the most specific glob
 */
export function comparePrecedence(
  a: { pattern: ModelPattern; file: string },
  b: { pattern: ModelPattern; file: string },
): number {
  if (a.pattern.exact !== b.pattern.exact) return a.pattern.exact ? -1 : 1;
  // Two exact names never match the same model; order them by file only for a stable listing.
  const prefix = a.pattern.exact ? 0 : b.pattern.literalPrefix.length - a.pattern.literalPrefix.length;
  if (prefix !== 0) return prefix;
  if (a.pattern.wildcards !== b.pattern.wildcards) return a.pattern.wildcards - b.pattern.wildcards;
  if (a.pattern.literals !== b.pattern.literals) return b.pattern.literals - a.pattern.literals;
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}
