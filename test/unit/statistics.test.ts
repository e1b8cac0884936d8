/**
 * The canary analysis's statistics against SciPy: every expected value is read from
 * test/fixtures/statistics.json, which scripts/statsFixtures.py computed once with SciPy (the
 * command is in the fixture's `producedBy`), including ties, zero counts and tiny samples.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalQuantile, normalSf } from '../../lib/domain/normalDistribution';
import { mannWhitneyU, twoProportionTest } from '../../lib/domain/statistics';

interface Fixture {
  producedBy: string;
  normalSf: Array<{ z: number; sf: number }>;
  normalQuantile: Array<{ p: number; ppf: number }>;
  twoProportion: Array<{
    name: string;
    challenger: { events: number; trials: number };
    champion: { events: number; trials: number };
    confidence: number;
    z: number;
    pValue: number;
    interval: [number, number];
    twoSidedChi2: number | null;
  }>;
  mannWhitney: Array<{ name: string; challenger: number[]; champion: number[]; u: number; pValue: number }>;
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/statistics.json', import.meta.url), 'utf8'),
) as Fixture;
const tolerance = 1e-6;

describe('the standard normal distribution', () => {
  it.each(fixture.normalSf)('gives SciPy’s survival function at z = $z', ({ z, sf }) => {
    expect(Math.abs(normalSf(z) - sf)).toBeLessThan(tolerance);
  });

  it.each(fixture.normalQuantile)('gives SciPy’s quantile at p = $p', ({ p, ppf }) => {
    expect(Math.abs(normalQuantile(p) - ppf)).toBeLessThan(tolerance);
  });
});

describe('the two-proportion z-test', () => {
  it.each(fixture.twoProportion)('matches SciPy on $name', (row) => {
    const result = twoProportionTest(row.challenger, row.champion, row.confidence);

    expect(Math.abs(result.z - row.z)).toBeLessThan(tolerance);
    expect(Math.abs(result.pValue - row.pValue)).toBeLessThan(tolerance);
    expect(Math.abs(result.interval[0] - row.interval[0])).toBeLessThan(tolerance);
    expect(Math.abs(result.interval[1] - row.interval[1])).toBeLessThan(tolerance);
  });

  it.each(fixture.twoProportion.filter((row) => row.twoSidedChi2 !== null))(
    'doubles to SciPy’s chi-square contingency p-value on $name',
    (row) => {
      const { pValue } = twoProportionTest(row.challenger, row.champion, row.confidence);

      expect(Math.abs(2 * Math.min(pValue, 1 - pValue) - row.twoSidedChi2!)).toBeLessThan(tolerance);
    },
  );

  it('refuses a variant without trials', () => {
    expect(() => twoProportionTest({ events: 0, trials: 0 }, { events: 1, trials: 10 }, 0.95)).toThrow(
      'a proportion needs trials',
    );
  });
});

describe('the Mann–Whitney U test', () => {
  it.each(fixture.mannWhitney)('matches SciPy on $name', (row) => {
    const result = mannWhitneyU(row.challenger, row.champion);

    expect(Math.abs(result.u - row.u)).toBeLessThan(tolerance);
    expect(Math.abs(result.pValue - row.pValue)).toBeLessThan(tolerance);
  });
});
