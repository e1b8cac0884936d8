/**
 * The compliance checks of a policy, run against facts read back from the registry. Pure: the
 * same policy and facts always give the same results, each with a reason a data scientist can
 * read in the registry (`val_logloss 0.412 ≤ champion 0.409 + 0.005`).
 *
 * @example
 *   runChecks(policy.checks, { version, run, champion: null });
 *   // [{ id: 'metric.val_auc', passed: true, reason: 'val_auc 0.91 ≥ 0.8' }, …]
 */
import type { ModelVersionInfo, RunInfo } from '../promotion/ports';
import type { MetricThreshold, Policy } from './policy';

export interface CheckResult {
  /** Stable id, used in the tag name: `baton.check.<id>`. */
  id: string;
  passed: boolean;
  reason: string;
}

export interface ValidationFacts {
  version: ModelVersionInfo;
  run: RunInfo | null;
  /** The version holding the champion alias, with its run, or null when there is none. */
  champion: { version: ModelVersionInfo; run: RunInfo | null } | null;
}

/** Numbers as people write them: no float noise, at most 6 significant digits. */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

function thresholdCheck(id: string, t: MetricThreshold, run: RunInfo | null): CheckResult {
  const value = run?.metrics[t.name];
  if (value === undefined) return { id, passed: false, reason: `${t.name} missing from the run` };
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

function championCheck(
  rule: NonNullable<Policy['checks']['compareToChampion']>,
  facts: ValidationFacts,
): CheckResult {
  const id = `champion.${rule.metric}`;
  const champion = facts.champion!;
  const candidate = facts.run?.metrics[rule.metric];
  const reference = champion.run?.metrics[rule.metric];
  if (candidate === undefined) return { id, passed: false, reason: `${rule.metric} missing from the run` };
  if (reference === undefined) {
    return {
      id,
      passed: false,
      reason: `champion v${champion.version.version} has no ${rule.metric} to compare with`,
    };
  }
  const [c, r, tol] = [formatNumber(candidate), formatNumber(reference), formatNumber(rule.tolerance)];
  if (rule.lowerIsBetter) {
    const passed = candidate <= reference + rule.tolerance;
    return { id, passed, reason: `${rule.metric} ${c} ${passed ? '≤' : '>'} champion ${r} + ${tol}` };
  }
  const passed = candidate >= reference - rule.tolerance;
  return { id, passed, reason: `${rule.metric} ${c} ${passed ? '≥' : '<'} champion ${r} − ${tol}` };
}

/** Every check the policy asks for, in a stable order. */
export function runChecks(checks: Policy['checks'], facts: ValidationFacts): CheckResult[] {
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
  const isChampion = facts.champion?.version.version === facts.version.version;
  if (checks.compareToChampion && facts.champion && !isChampion) {
    results.push(championCheck(checks.compareToChampion, facts));
  } else if (checks.baseline && !facts.champion) {
    const result = thresholdCheck(`baseline.${checks.baseline.name}`, checks.baseline, facts.run);
    results.push({ ...result, reason: `${result.reason} (baseline: no champion yet)` });
  }
  return results;
}
