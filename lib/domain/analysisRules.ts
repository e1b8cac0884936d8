/**
 * One rule of the canary analysis judged on one step's numbers: pass, fail or inconclusive, with
 * the numbers that say why (samples, both variants' values, the test, its p-value, the threshold).
 * A comparison fails only when the challenger is worse than the rule allows AND the test says the
 * difference is real at the rule's confidence; worse than allowed without significance is
 * inconclusive (the bake is extended to gather more), never a pass.
 *
 * @example
 *   judgeRateRule(rule, { events: 30, trials: 1000 }, { events: 10, trials: 1000 }).outcome; // 'fail'
 */
import type { RuleVerdict } from '../../events/analysisVerdict';
import { testOf } from './analysisMetrics';
import type { AnalysisRule } from './analysisPolicy';
import { formatNumber } from './checks';
import { mannWhitneyU, median, type Proportion, twoProportionTest } from './statistics';

export const Verdict = {
  /** The challenger is within the rule. */
  Pass: 'pass',
  /** The challenger is worse than the rule allows, and significantly so: abort. */
  Fail: 'fail',
  /** Too few samples, no data, or the test cannot tell: extend the bake, then ask people. */
  Inconclusive: 'inconclusive',
} as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export type { RuleVerdict } from '../../events/analysisVerdict';

const n = (value: number) => formatNumber(value);
/** A p-value as people read it: tiny ones in exponent form (1.4e-30), the rest to six digits. */
export const formatP = (p: number) => (p > 0 && p < 1e-4 ? p.toExponential(1) : formatNumber(p));
const finite = (value: number) => (Number.isFinite(value) ? value : null);

/** The rule's bound, readable. */
export function thresholdOf(rule: AnalysisRule): string {
  const parts = [
    rule.maxIncrease !== undefined && `+${n(rule.maxIncrease)}`,
    rule.maxIncreaseRatio !== undefined && `×${n(rule.maxIncreaseRatio)}`,
    rule.min !== undefined && `≥ ${n(rule.min)}`,
    rule.max !== undefined && `≤ ${n(rule.max)}`,
  ];
  return parts.filter(Boolean).join(' and ');
}

/** Whether the challenger's value is worse than the rule allows (an increase is worse). */
function exceeds(rule: AnalysisRule, challenger: number, champion: number): boolean {
  const byDifference = rule.maxIncrease !== undefined && challenger - champion > rule.maxIncrease;
  const ratio = champion === 0 ? (challenger > 0 ? Number.POSITIVE_INFINITY : 1) : challenger / champion;
  const byRatio = rule.maxIncreaseRatio !== undefined && ratio > rule.maxIncreaseRatio;
  return byDifference || byRatio;
}

/** Outside an absolute rule's bounds: the sentence, else null. */
function outOfBounds(rule: AnalysisRule, value: number): string | null {
  if (rule.min !== undefined && value < rule.min) return `${n(value)} < min ${n(rule.min)}`;
  if (rule.max !== undefined && value > rule.max) return `${n(value)} > max ${n(rule.max)}`;
  return null;
}

/** The comparison's outcome from "worse than allowed" and the test's p-value. */
function compared(rule: AnalysisRule, worse: boolean, pValue: number, values: string, testName: string) {
  const alpha = 1 - rule.confidence;
  const p = `${testName} p = ${formatP(pValue)}`;
  // Worse than allowed and significant: the challenger is worse.
  if (worse && pValue < alpha)
    return { outcome: Verdict.Fail, reason: `${values} exceeds ${thresholdOf(rule)}; ${p} < ${n(alpha)}` };
  // Worse than allowed but not significant: the test cannot tell yet.
  if (worse)
    return {
      outcome: Verdict.Inconclusive,
      reason: `${values} exceeds ${thresholdOf(rule)} but ${p} ≥ ${n(alpha)}: the test cannot tell yet`,
    };
  return { outcome: Verdict.Pass, reason: `${values} within ${thresholdOf(rule)} (${p})` };
}

/**
 * A rate rule (error_rate…) on the variants' counts; champion null when there is none to compare.
 *
 * @example
 *   judgeRateRule(rule, { events: 5, trials: 1000 }, { events: 5, trials: 9000 }).outcome; // 'pass'
 */
export function judgeRateRule(
  rule: AnalysisRule,
  challenger: Proportion,
  champion: Proportion | null,
): RuleVerdict {
  const base = { metric: rule.metric, threshold: thresholdOf(rule), test: testOf(rule) };
  const rate = challenger.trials > 0 ? challenger.events / challenger.trials : Number.NaN;
  const samples = { challenger: challenger.trials, champion: champion?.trials ?? null };
  const none = { ...base, samples, challenger: finite(rate), champion: null, pValue: null };
  // No invocations of the challenger: no rate at all.
  if (challenger.trials === 0)
    return {
      ...none,
      outcome: Verdict.Inconclusive,
      reason: `${rule.metric}: no invocations of the challenger`,
    };
  if (rule.compare === 'absolute') {
    const out = outOfBounds(rule, rate);
    return out
      ? { ...none, outcome: Verdict.Fail, reason: `${rule.metric} ${out}` }
      : { ...none, outcome: Verdict.Pass, reason: `${rule.metric} ${n(rate)} within ${thresholdOf(rule)}` };
  }
  // Nothing to compare with: the champion served no invocations in the window.
  if (!champion || champion.trials === 0)
    return {
      ...none,
      outcome: Verdict.Inconclusive,
      reason: `${rule.metric}: no invocations of the champion to compare with`,
    };
  const result = twoProportionTest(challenger, champion, rule.confidence);
  const values = `${rule.metric} ${n(result.challengerRate)} (${challenger.events}/${challenger.trials}) vs champion ${n(result.championRate)} (${champion.events}/${champion.trials})`;
  const worse = exceeds(rule, result.challengerRate, result.championRate);
  return {
    ...base,
    ...compared(rule, worse, result.pValue, values, 'two-proportion z-test'),
    samples,
    challenger: result.challengerRate,
    champion: result.championRate,
    pValue: result.pValue,
    interval: result.interval,
  };
}

/**
 * A datapoint rule (latency, quality) on the variants' per-minute values.
 *
 * @example
 *   judgeSeriesRule(rule, [0.85, 0.86, 0.84], null, 3).outcome; // 'fail' for { compare: absolute, min: 0.9 }
 */
export function judgeSeriesRule(
  rule: AnalysisRule,
  challenger: number[],
  champion: number[] | null,
  minDatapoints: number,
): RuleVerdict {
  const base = { metric: rule.metric, threshold: thresholdOf(rule), test: testOf(rule) };
  const samples = { challenger: challenger.length, champion: champion?.length ?? null };
  if (rule.compare === 'absolute') {
    const mean = challenger.reduce((sum, v) => sum + v, 0) / challenger.length;
    const none = { ...base, samples, challenger: finite(mean), champion: null, pValue: null };
    // No datapoint of the challenger: nothing to bound.
    if (challenger.length === 0)
      return {
        ...none,
        outcome: Verdict.Inconclusive,
        reason: `${rule.metric}: no datapoints of the challenger`,
      };
    const out = outOfBounds(rule, mean);
    return out
      ? { ...none, outcome: Verdict.Fail, reason: `${rule.metric} mean ${out}` }
      : {
          ...none,
          outcome: Verdict.Pass,
          reason: `${rule.metric} mean ${n(mean)} within ${thresholdOf(rule)}`,
        };
  }
  const mine = median(challenger);
  const theirs = champion ? median(champion) : Number.NaN;
  const none = { ...base, samples, challenger: finite(mine), champion: finite(theirs), pValue: null };
  // Too few datapoints on either side for the test.
  if (!champion || challenger.length < minDatapoints || champion.length < minDatapoints)
    return {
      ...none,
      outcome: Verdict.Inconclusive,
      reason: `${rule.metric}: ${challenger.length} datapoints of the challenger and ${champion?.length ?? 0} of the champion, ${minDatapoints} needed each`,
    };
  const result = mannWhitneyU(challenger, champion);
  const values = `${rule.metric} median ${n(mine)} vs champion ${n(theirs)}`;
  return {
    ...none,
    ...compared(rule, exceeds(rule, mine, theirs), result.pValue, values, 'Mann–Whitney U'),
    pValue: result.pValue,
  };
}
