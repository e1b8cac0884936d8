/**
 * What canary analysis reads a rule's metric as (the rates Baton derives from SageMaker's counts,
 * a team's `quality/<name>` metrics) and the test each rule runs. The `rollout.analysis` schema
 * itself is analysisPolicy.ts; this file builds no schema, so the functions that judge canaries
 * with policies checked at compile time do not construct it.
 *
 * @example
 *   isRateMetric('error_rate'); // true
 */
/** Rates Baton derives from SageMaker's per-variant counts: errors over Invocations. */
export const rateMetrics = {
  /** 4XX and 5XX errors. */
  error_rate: ['Invocation4XXErrors', 'Invocation5XXErrors'],
  server_error_rate: ['Invocation5XXErrors'],
  client_error_rate: ['Invocation4XXErrors'],
} as const;
export type RateMetric = keyof typeof rateMetrics;

/** A team's metric: `quality/<metric name>`, read from `analysis.quality`'s namespace. */
export const qualityPrefix = 'quality/';

/**
 * Whether a rule's metric is one of the derived rates.
 *
 * @example
 *   isRateMetric('error_rate'); // true
 */
export function isRateMetric(metric: string): metric is RateMetric {
  return Object.hasOwn(rateMetrics, metric);
}

/** What of a rule (analysisPolicy.ts `AnalysisRule`) decides its test. */
interface RuleTest {
  metric: string;
  compare: 'challenger_vs_champion' | 'absolute';
  test?: 'two_proportion' | 'mann_whitney';
}

/**
 * The test a rule runs (null: an absolute bound, no test).
 *
 * @example
 *   testOf({ metric: 'ModelLatency', compare: 'challenger_vs_champion', maxIncreaseRatio: 1.2, confidence: 0.95 }); // 'mann_whitney'
 */
export function testOf(rule: RuleTest): 'two_proportion' | 'mann_whitney' | null {
  if (rule.compare === 'absolute') return null;
  return rule.test ?? (isRateMetric(rule.metric) ? 'two_proportion' : 'mann_whitney');
}
