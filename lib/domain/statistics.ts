/**
 * The two tests of the canary analysis, pure and small, so the Lambda bundle carries no
 * statistics library: a two-proportion z-test for error rates (counts), and the Mann–Whitney U
 * test for per-minute datapoints (latency, quality), as Kayenta judges canaries. Both are
 * one-sided, alternative "the challenger is greater (worse) than the champion", because a canary
 * is stopped for getting worse, never for getting better. Their values match SciPy to 1e-6
 * (test/fixtures/statistics.json, made by scripts/statsFixtures.py).
 *
 * @example
 *   twoProportionTest({ events: 30, trials: 1000 }, { events: 10, trials: 1000 }, 0.95).pValue; // ≈ 0.00075
 *   mannWhitneyU([3, 4, 5], [1, 2, 3]).pValue; // ≈ 0.0587
 */
import { normalQuantile, normalSf } from './normalDistribution';

/** Events (errors) out of trials (invocations) of one variant. */
export interface Proportion {
  events: number;
  trials: number;
}

export interface TwoProportionResult {
  /** The challenger's and the champion's rates. */
  challengerRate: number;
  championRate: number;
  /** challengerRate − championRate. */
  difference: number;
  /** The pooled z statistic (0 when both rates are 0 or both 1: nothing to tell apart). */
  z: number;
  /** One-sided p-value of "the challenger's rate is greater", from the pooled z (SciPy: norm.sf(z)). */
  pValue: number;
  /** Two-sided Wald interval of the difference at `confidence` (unpooled standard error). */
  interval: [number, number];
}

/**
 * The pooled two-proportion z-test, one-sided (challenger greater), with a Wald interval of the
 * difference. Its two-sided p-value, 2·min(p, 1−p), equals SciPy's
 * `chi2_contingency(table, correction=False)`. Both rates 0 (or both 1) have no variance: z is 0
 * and the p-value 1, because nothing sets the challenger apart. Empty trials throw: the decider
 * never asks (fewer samples than minSamples is inconclusive before any test).
 *
 * @example
 *   twoProportionTest({ events: 5, trials: 100 }, { events: 5, trials: 100 }, 0.95).pValue; // 0.5
 */
export function twoProportionTest(
  challenger: Proportion,
  champion: Proportion,
  confidence: number,
): TwoProportionResult {
  if (challenger.trials <= 0 || champion.trials <= 0) throw new RangeError('a proportion needs trials');
  const p1 = challenger.events / challenger.trials;
  const p2 = champion.events / champion.trials;
  const pooled = (challenger.events + champion.events) / (challenger.trials + champion.trials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / challenger.trials + 1 / champion.trials));
  const z = se === 0 ? 0 : (p1 - p2) / se;
  const pValue = se === 0 ? 1 : normalSf(z);
  const half =
    normalQuantile(1 - (1 - confidence) / 2) *
    Math.sqrt((p1 * (1 - p1)) / challenger.trials + (p2 * (1 - p2)) / champion.trials);
  return {
    challengerRate: p1,
    championRate: p2,
    difference: p1 - p2,
    z,
    pValue,
    interval: [p1 - p2 - half, p1 - p2 + half],
  };
}

export interface MannWhitneyResult {
  /** U of the challenger's sample (SciPy's `statistic`, for x = challenger). */
  u: number;
  /** The tie-corrected, continuity-corrected z. */
  z: number;
  /** One-sided p-value of "the challenger's values are greater" (1 when every value is tied). */
  pValue: number;
}

/** Average ranks (1-based) of the pooled values, and the sizes of the groups of ties. */
function rankWithTies(values: number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  const ties: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    const average = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]![1]] = average;
    ties.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, ties };
}

/**
 * The Mann–Whitney U test, one-sided (challenger greater), by the normal approximation with tie
 * correction and continuity correction: SciPy's
 * `mannwhitneyu(challenger, champion, alternative='greater', method='asymptotic')`. The exact
 * distribution (SciPy's default for ≤ 8 values a side without ties) is deliberately not used: the
 * decider wants enough per-minute datapoints before it tests at all, and one method is one set
 * of numbers to explain. All values tied: no variance, z is −∞ and the p-value 1, as in SciPy.
 *
 * @example
 *   mannWhitneyU([210, 230, 250], [100, 110, 120]).u; // 9
 */
export function mannWhitneyU(challenger: number[], champion: number[]): MannWhitneyResult {
  const n1 = challenger.length;
  const n2 = champion.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('each sample needs a value');
  const { ranks, ties } = rankWithTies([...challenger, ...champion]);
  const r1 = ranks.slice(0, n1).reduce((sum, r) => sum + r, 0);
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const tieTerm = ties.reduce((sum, t) => sum + t ** 3 - t, 0);
  const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  // Every value tied: U is its mean, the corrected numerator −0.5, and z −∞ (SciPy divides likewise).
  const z = s > 0 ? (u - (n1 * n2) / 2 - 0.5) / s : Number.NEGATIVE_INFINITY;
  return { u, z, pValue: Math.min(1, Math.max(0, normalSf(z))) };
}

/**
 * The median of a sample (the mean of the two middle values for an even count).
 *
 * @example
 *   median([3, 1, 2, 10]); // 2.5
 */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
