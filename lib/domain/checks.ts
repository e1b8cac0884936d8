/**
 * The compliance checks of a policy, run against facts read back from the registry. Pure: the
 * same policy and facts always give the same results, each with a reason a data scientist can
 * read in the registry (`val_logloss 0.412 ≤ champion 0.409 + 0.005`). A metric that is not a
 * finite number (a diverged run's NaN, an overflowed Infinity) fails every check that reads it:
 * NaN compares false with everything, so a plain `<` would let it through.
 *
 * @example
 *   runChecks(policy.checks, { version, run, champion: null });
 *   // [{ id: 'metric.val_auc', passed: true, reason: 'val_auc 0.91 ≥ 0.8' }, …]
 */
import type * as z from 'zod/mini';
import type { MetricThreshold, Policy } from './policy';
import type { ModelVersionInfo, RunInfo } from './registryFacts';
import type { checkResultSchema } from './state';

/** One check's verdict; its `id` is stable and names the tag: `baton.check.<id>`. */
export type CheckResult = z.infer<typeof checkResultSchema>;

/** A version holding an alias, with the run that produced it. */
export interface AliasHolder {
  version: ModelVersionInfo;
  run: RunInfo | null;
}

export interface ValidationFacts {
  version: ModelVersionInfo;
  run: RunInfo | null;
  /** The version holding the champion alias, with its run, or null when there is none. */
  champion: AliasHolder | null;
  /**
   * The version holding the alias the policy compares with (`checks.compareTo.alias`) when that
   * alias is not the champion's; null when no version holds it. Absent when not read.
   */
  compared?: AliasHolder | null;
}

/** The comparison a policy asks for, whichever way it was written, with the alias resolved. */
interface Comparison {
  alias: string;
  /** The alias is the policy's champion alias: the reason keeps its historical wording. */
  isChampion: boolean;
  metric: string;
  lowerIsBetter: boolean;
  tolerance: number;
}

/**
 * `compareTo` (any alias, the champion's by default) or the older `compareToChampion`.
 *
 * @example
 *   comparisonOf({ …, compareTo: { alias: 'candidate', metric: 'val_logloss', … } }, 'champion');
 *   // { alias: 'candidate', isChampion: false, metric: 'val_logloss', lowerIsBetter: true, tolerance: 0.002 }
 */
export function comparisonOf(checks: Policy['checks'], championAlias: string): Comparison | undefined {
  const rule = checks.compareTo ?? checks.compareToChampion;
  if (!rule) return undefined;
  const alias = checks.compareTo?.alias ?? championAlias;
  const { metric, lowerIsBetter, tolerance } = rule;
  return { alias, isChampion: alias === championAlias, metric, lowerIsBetter, tolerance };
}

/**
 * Numbers as people write them: no float noise, at most 6 significant digits.
 *
 * @example
 *   formatNumber(0.1 + 0.2); // '0.3'
 */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** How a non-finite value reads in a reason: `NaN (not a number)`, `Infinity`, `-Infinity`. */
function describeNonFinite(value: number): string {
  return Number.isNaN(value) ? 'NaN (not a number)' : String(value);
}

/**
 * Metrics as the audit trail can store them: non-finite values spelled as MLflow spells them.
 *
 * @example
 *   recordableMetrics({ val_auc: Number.NaN, val_logloss: 0.4 }); // { val_auc: 'NaN', val_logloss: 0.4 }
 */
export function recordableMetrics(metrics: Record<string, number>): Record<string, number | string> {
  return Object.fromEntries(
    Object.entries(metrics).map(([key, value]) => [key, Number.isFinite(value) ? value : String(value)]),
  );
}

/** A metric that is present and a finite number: the only kind a check may compare. */
function usable(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value);
}

/** Why a metric that is not usable fails: `val_auc missing from the run`, `val_auc is NaN (not a number)`. */
function unusableReason(metric: string, value: number | undefined): string {
  return value === undefined ? `${metric} missing from the run` : `${metric} is ${describeNonFinite(value)}`;
}

function thresholdCheck(id: string, t: MetricThreshold, run: RunInfo | null): CheckResult {
  const value = run?.metrics[t.name];
  if (!usable(value)) return { id, passed: false, reason: unusableReason(t.name, value) };
  if (t.min !== undefined && value < t.min) {
    return { id, passed: false, reason: `${t.name} ${formatNumber(value)} < ${formatNumber(t.min)}` };
  }
  if (t.max !== undefined && value > t.max) {
    return { id, passed: false, reason: `${t.name} ${formatNumber(value)} > ${formatNumber(t.max)}` };
  }
  const bounds = [
    t.min !== undefined ? `≥ ${formatNumber(t.min)}` : undefined,
    t.max !== undefined ? `≤ ${formatNumber(t.max)}` : undefined,
  ].filter(Boolean);
  return { id, passed: true, reason: `${t.name} ${formatNumber(value)} ${bounds.join(' and ')}` };
}

/** The candidate against the version holding the compared alias; null holder: nothing to beat. */
function comparisonCheck(rule: Comparison, holder: AliasHolder | null, run: RunInfo | null): CheckResult {
  // The champion's id and reason predate other aliases and are read by people and tools: keep them.
  const label = rule.isChampion ? 'champion' : rule.alias;
  const id = `${label}.${rule.metric}`;
  const candidate = run?.metrics[rule.metric];
  if (!usable(candidate)) return { id, passed: false, reason: unusableReason(rule.metric, candidate) };
  const c = formatNumber(candidate);
  if (!holder) {
    return {
      id,
      passed: true,
      reason: `${rule.metric} ${c}: no version holds ${label}, nothing to compare with`,
    };
  }
  const who = `${label} v${holder.version.version}`;
  const reference = holder.run?.metrics[rule.metric];
  if (reference === undefined)
    return { id, passed: false, reason: `${who} has no ${rule.metric} to compare with` };
  if (!Number.isFinite(reference)) {
    return {
      id,
      passed: false,
      reason: `${who}'s ${rule.metric} is ${describeNonFinite(reference)}: cannot compare`,
    };
  }
  const named = rule.isChampion ? label : who;
  const [r, tol] = [formatNumber(reference), formatNumber(rule.tolerance)];
  if (rule.lowerIsBetter) {
    const passed = candidate <= reference + rule.tolerance;
    return { id, passed, reason: `${rule.metric} ${c} ${passed ? '≤' : '>'} ${named} ${r} + ${tol}` };
  }
  const passed = candidate >= reference - rule.tolerance;
  return { id, passed, reason: `${rule.metric} ${c} ${passed ? '≥' : '<'} ${named} ${r} − ${tol}` };
}

/** The comparison's result, or undefined when there is nothing to compare (no champion yet, or it is the version itself). */
function compared(rule: Comparison, facts: ValidationFacts): CheckResult | undefined {
  // Facts gathered without the compared alias must not read as "nobody holds it": fail closed.
  if (!rule.isChampion && facts.compared === undefined) {
    const reason = `${rule.alias} was not read from the registry: cannot compare ${rule.metric}`;
    return { id: `${rule.alias}.${rule.metric}`, passed: false, reason };
  }
  const holder = rule.isChampion ? facts.champion : (facts.compared ?? null);
  // No champion yet: the baseline stands in for the comparison, as it always has.
  if (rule.isChampion && !holder) return undefined;
  // The version already holds the alias (a re-validation): comparing it with itself says nothing.
  if (holder?.version.version === facts.version.version) return undefined;
  return comparisonCheck(rule, holder, facts.run);
}

/** The baseline's result: without a champion as before, and on every version with `always`. */
function baselineCheck(baseline: NonNullable<Policy['checks']['baseline']>, facts: ValidationFacts) {
  if (facts.champion && !baseline.always) return undefined;
  const result = thresholdCheck(`baseline.${baseline.name}`, baseline, facts.run);
  const why = facts.champion ? 'baseline' : 'baseline: no champion yet';
  return { ...result, reason: `${result.reason} (${why})` };
}

/**
 * Every check the policy asks for, in a stable order. `championAlias` is the policy's
 * (`policy.aliases.champion`): a comparison with it keeps the champion's wording and rules.
 *
 * @example
 *   runChecks(policy.checks, { version, run, champion: null }, policy.aliases.champion).every((c) => c.passed);
 */
export function runChecks(
  checks: Policy['checks'],
  facts: ValidationFacts,
  championAlias = 'champion',
): CheckResult[] {
  const results: CheckResult[] = [];
  for (const tag of checks.requiredTags) {
    const value = facts.version.tags[tag];
    results.push(
      value
        ? { id: `tag.${tag}`, passed: true, reason: `tag ${tag} is set` }
        : { id: `tag.${tag}`, passed: false, reason: `required tag ${tag} is missing` },
    );
  }
  if (checks.requireDescription) {
    const described = (facts.version.description ?? '').trim().length > 0;
    results.push({
      id: 'description',
      passed: described,
      reason: described ? 'has a description' : 'description is empty',
    });
  }
  if (checks.runStatus.length > 0) {
    const status = facts.run?.status;
    results.push(
      status && checks.runStatus.includes(status)
        ? { id: 'run_status', passed: true, reason: `run status ${status}` }
        : {
            id: 'run_status',
            passed: false,
            reason: status
              ? `run status ${status}, expected ${checks.runStatus.join(' or ')}`
              : 'the version has no run',
          },
    );
  }
  for (const t of checks.metrics) results.push(thresholdCheck(`metric.${t.name}`, t, facts.run));
  const rule = comparisonOf(checks, championAlias);
  const comparison = rule && compared(rule, facts);
  if (comparison) results.push(comparison);
  const baseline = checks.baseline && baselineCheck(checks.baseline, facts);
  if (baseline) results.push(baseline);
  return results;
}
