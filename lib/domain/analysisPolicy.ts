/**
 * The `rollout.analysis` part of a policy: how each canary step compares the challenger with the
 * champion before traffic moves on (canaryAnalysis.ts judges it). Its own file so policy.ts only
 * plugs it in. Error rates are computed from counts and judged with a two-proportion test; other
 * metrics from per-minute datapoints with Mann–Whitney U; `absolute` rules bound the challenger's
 * own value. Team metrics (`quality/<name>`) live where `quality` says.
 *
 * @example
 *   analysisSchema.parse({ rules: [{ metric: 'error_rate', maxIncrease: 0.005 }] }).minSamples; // 500
 */
import * as z from 'zod/mini';

import { isRateMetric, qualityPrefix } from './analysisMetrics';

const name = z.string().check(z.minLength(1), z.maxLength(250));

const ruleSchema = z
  .strictObject({
    /** error_rate | server_error_rate | client_error_rate | an AWS/SageMaker metric | quality/<name>. */
    metric: name,
    /** CloudWatch statistic of each per-minute datapoint (Average, p99, Maximum…); not for rates. */
    statistic: z.optional(name),
    compare: z._default(z.enum(['challenger_vs_champion', 'absolute']), 'challenger_vs_champion'),
    /** challenger − champion may exceed this only without statistical significance. */
    maxIncrease: z.optional(z.number().check(z.gte(0))),
    /** challenger ÷ champion likewise (1.2: 20 % worse). */
    maxIncreaseRatio: z.optional(z.number().check(z.gte(1))),
    /** absolute: bounds on the challenger's own value. */
    min: z.optional(z.number()),
    max: z.optional(z.number()),
    /** Defaults: two_proportion for rates, mann_whitney otherwise. */
    test: z.optional(z.enum(['two_proportion', 'mann_whitney'])),
    confidence: z._default(z.number().check(z.gt(0.5), z.lt(1)), 0.95),
  })
  .check(
    z.refine(
      (r) =>
        r.compare !== 'challenger_vs_champion' ||
        ((r.maxIncrease !== undefined || r.maxIncreaseRatio !== undefined) &&
          r.min === undefined &&
          r.max === undefined),
      'challenger_vs_champion needs maxIncrease or maxIncreaseRatio (min and max are for compare: absolute)',
    ),
    z.refine(
      (r) =>
        r.compare !== 'absolute' ||
        ((r.min !== undefined || r.max !== undefined) &&
          r.maxIncrease === undefined &&
          r.maxIncreaseRatio === undefined &&
          r.test === undefined),
      'compare: absolute needs min, max or both, and takes no maxIncrease, maxIncreaseRatio or test',
    ),
    z.refine(
      (r) => !isRateMetric(r.metric) || (r.statistic === undefined && r.test !== 'mann_whitney'),
      'a rate (error_rate, server_error_rate, client_error_rate) is counted: no statistic, test two_proportion',
    ),
    z.refine(
      (r) => isRateMetric(r.metric) || r.test !== 'two_proportion',
      'two_proportion tests rates only (error_rate, server_error_rate, client_error_rate); use mann_whitney',
    ),
  );

export const analysisSchema = z
  .strictObject({
    /** Invocations of the challenger in the step before any verdict. */
    minSamples: z._default(z.int().check(z.gte(1)), 500),
    /** Per-minute datapoints each variant needs before a Mann–Whitney test. */
    minDatapoints: z._default(z.int().check(z.gte(2)), 3),
    /** Bakes added while the analysis is inconclusive, before the rollout pauses for the approvers. */
    maxExtensions: z._default(z.int().check(z.gte(0)), 3),
    /** Where the team's `quality/<name>` metrics live; `{endpoint}`, `{variant}`, `{model}` and
     * `{version}` in a dimension value are filled in per variant. */
    quality: z.optional(z.strictObject({ namespace: name, dimensions: z.record(name, name) })),
    rules: z.array(ruleSchema).check(z.minLength(1)),
  })
  .check(
    z.refine((a) => a.quality !== undefined || a.rules.every((r) => !r.metric.startsWith(qualityPrefix)), {
      message: 'a quality/<name> rule needs analysis.quality (its namespace and dimensions)',
      path: ['quality'],
    }),
  );

export type AnalysisPolicy = z.infer<typeof analysisSchema>;
export type AnalysisRule = AnalysisPolicy['rules'][number];
