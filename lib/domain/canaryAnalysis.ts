/**
 * The canary analysis of one step: which metrics to read for both variants (`analysisSeries`),
 * and the step's verdict from them (`judgeAnalysis`). Any rule failing fails the step (the
 * rollout aborts through its one abort path); otherwise any rule inconclusive, or too few
 * invocations of the challenger, or no metrics source at all, makes the step inconclusive (the
 * bake is extended, then people are asked). Only every rule passing passes: no data never passes.
 *
 * @example
 *   judgeAnalysis(policy.rollout.analysis, metrics, true).outcome; // 'fail'
 */
import type { AnalysisVerdict } from '../../events/analysisVerdict';
import { isRateMetric, qualityPrefix, rateMetrics } from './analysisMetrics';
import type { AnalysisPolicy } from './analysisPolicy';
import type { CanaryMetrics, MetricSeries, VariantSeries } from './analysisPorts';
import { judgeRateRule, judgeSeriesRule, type RuleVerdict, Verdict } from './analysisRules';

export type { AnalysisVerdict, RuleVerdict } from '../../events/analysisVerdict';
export { Verdict } from './analysisRules';

const sagemaker = { EndpointName: '{endpoint}', VariantName: '{variant}' };
const counts = {
  invocations: 'Invocations',
  errors4xx: 'Invocation4XXErrors',
  errors5xx: 'Invocation5XXErrors',
} as const;
const countId = (metric: string) => Object.entries(counts).find(([, m]) => m === metric)![0];

/**
 * The series to read for a policy's analysis: the counts (per-minute sums) and one series per
 * datapoint rule, with its namespace and dimensions.
 *
 * @example
 *   analysisSeries(analysis).map((s) => s.id); // ['invocations', 'errors4xx', 'errors5xx', 'rule1']
 */
export function analysisSeries(analysis: AnalysisPolicy): MetricSeries[] {
  const sums = Object.entries(counts).map(([id, metric]) => ({
    id,
    namespace: 'AWS/SageMaker',
    metric,
    statistic: 'Sum',
    dimensions: sagemaker,
  }));
  const rules = analysis.rules.flatMap((rule, i) => {
    if (isRateMetric(rule.metric)) return [];
    const quality = rule.metric.startsWith(qualityPrefix) && analysis.quality;
    return [
      {
        id: `rule${i}`,
        namespace: quality ? quality.namespace : 'AWS/SageMaker',
        metric: quality ? rule.metric.slice(qualityPrefix.length) : rule.metric,
        statistic: rule.statistic ?? 'Average',
        dimensions: quality ? quality.dimensions : sagemaker,
      },
    ];
  });
  return [...sums, ...rules];
}

const sum = (values: number[] | undefined) => (values ?? []).reduce((total, v) => total + v, 0);

/** The errors and invocations of one variant for a rate metric. */
function countsOf(
  metric: keyof typeof rateMetrics,
  series: Record<string, VariantSeries>,
  side: keyof VariantSeries,
) {
  const events = rateMetrics[metric].reduce((total, m) => total + sum(series[countId(m)]?.[side]), 0);
  return { events, trials: sum(series.invocations?.[side]) };
}

/**
 * The step's verdict. `compares` is false for a first version (no champion): only absolute rules
 * are judged then, as there is nothing to compare with.
 *
 * @example
 *   judgeAnalysis(analysis, { source: null, reason: 'no metrics export', series: {} }, true).outcome; // 'inconclusive'
 */
export function judgeAnalysis(
  analysis: AnalysisPolicy,
  metrics: CanaryMetrics | undefined,
  compares: boolean,
): AnalysisVerdict {
  const series = metrics?.series ?? {};
  const invocations = {
    challenger: sum(series.invocations?.challenger),
    champion: compares ? sum(series.invocations?.champion) : null,
  };
  const source = metrics?.source ?? null;
  const inconclusive = (reason: string): AnalysisVerdict => ({
    outcome: Verdict.Inconclusive,
    reason,
    source,
    invocations,
    rules: [],
  });

  // No metrics source for this endpoint: nothing can be proven.
  if (!metrics || source === null)
    return inconclusive(`no metrics source: ${metrics?.reason ?? 'none read'}`);
  // Too few invocations of the challenger for any verdict.
  if (invocations.challenger < analysis.minSamples) {
    return inconclusive(
      `too few samples: ${invocations.challenger} invocations of the challenger, ${analysis.minSamples} needed`,
    );
  }
  const rules = analysis.rules.flatMap((rule, i): RuleVerdict[] => {
    if (!compares && rule.compare !== 'absolute') return [];
    if (isRateMetric(rule.metric)) {
      const champion = compares ? countsOf(rule.metric, series, 'champion') : null;
      return [judgeRateRule(rule, countsOf(rule.metric, series, 'challenger'), champion)];
    }
    const values = series[`rule${i}`];
    return [
      judgeSeriesRule(
        rule,
        values?.challenger ?? [],
        compares ? (values?.champion ?? []) : null,
        analysis.minDatapoints,
      ),
    ];
  });
  const failed = rules.filter((r) => r.outcome === Verdict.Fail);
  const open = rules.filter((r) => r.outcome === Verdict.Inconclusive);
  // A rule fails: the challenger is worse than allowed, significantly.
  if (failed.length > 0)
    return {
      outcome: Verdict.Fail,
      reason: failed.map((r) => r.reason).join('; '),
      source,
      invocations,
      rules,
    };
  // A rule cannot tell yet.
  if (open.length > 0)
    return {
      outcome: Verdict.Inconclusive,
      reason: open.map((r) => r.reason).join('; '),
      source,
      invocations,
      rules,
    };
  return {
    outcome: Verdict.Pass,
    reason: `${rules.length} rule${rules.length === 1 ? '' : 's'} passed on ${invocations.challenger} invocations`,
    source,
    invocations,
    rules,
  };
}
