/**
 * The standard normal distribution, to double precision, for the canary analysis's tests
 * (statistics.ts): no statistics library goes into the Lambda bundle for three functions. The
 * complementary error function is summed as a series of positive terms below |x| = 3 (no
 * cancellation) and as Lentz's continued fraction above, so tail probabilities stay accurate far
 * past the 1e-6 the tests are held to (test/fixtures/statistics.json, computed with SciPy).
 *
 * @example
 *   normalSf(1.959963984540054); // 0.025
 */

const sqrtPi = Math.sqrt(Math.PI);

/** erf(x) for 0 ≤ x < 3: 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)); every term is positive. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / sqrtPi) * Math.exp(-x * x) * sum;
}

/** erfc(x) for x ≥ 3: e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by modified Lentz. */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / sqrtPi / f;
}

/**
 * The complementary error function, erfc(x) = 1 − erf(x).
 *
 * @example
 *   erfc(0); // 1
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  return x < 3 ? 1 - erfSeries(x) : erfcContinuedFraction(x);
}

/**
 * P(Z > z) for a standard normal Z (SciPy's `norm.sf`).
 *
 * @example
 *   normalSf(0); // 0.5
 */
export function normalSf(z: number): number {
  if (z === Number.POSITIVE_INFINITY) return 0;
  if (z === Number.NEGATIVE_INFINITY) return 1;
  return erfc(z / Math.SQRT2) / 2;
}

/**
 * P(Z ≤ z) for a standard normal Z (SciPy's `norm.cdf`).
 *
 * @example
 *   normalCdf(1.6448536269514722); // 0.95
 */
export function normalCdf(z: number): number {
  return normalSf(-z);
}

/**
 * The z with P(Z ≤ z) = p (SciPy's `norm.ppf`), by bisection on the accurate cdf: a step check
 * asks for one or two quantiles, so 200 halvings cost nothing and need no approximation constants.
 *
 * @example
 *   normalQuantile(0.975); // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // The upper half through the survival function keeps precision for p near 1.
  const upper = p > 0.5;
  const tail = upper ? 1 - p : p;
  let lo = -40;
  let hi = 0;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < tail) lo = mid;
    else hi = mid;
  }
  const z = (lo + hi) / 2;
  return upper ? -z : z;
}
