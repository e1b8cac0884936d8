import { describe, expect, it } from 'vitest';
import { recordableMetrics, runChecks } from '../../lib/domain/checks';
import { aPolicy, aRun, aVersion } from '../support/builders';

const checks = aPolicy().checks;
const champion = {
  version: aVersion({ version: '1', runId: 'run-1' }),
  run: aRun({ val_logloss: 0.409, val_auc: 0.9 }),
};

describe('compliance checks', () => {
  it('explains a candidate within tolerance of the champion', () => {
    const results = runChecks(checks, {
      version: aVersion(),
      run: aRun({ val_auc: 0.91, val_logloss: 0.412 }),
      champion,
    });

    expect(results).toEqual([
      { id: 'tag.git_sha', passed: true, reason: 'tag git_sha is set' },
      { id: 'description', passed: true, reason: 'has a description' },
      { id: 'run_status', passed: true, reason: 'run status FINISHED' },
      { id: 'metric.val_auc', passed: true, reason: 'val_auc 0.91 ≥ 0.8' },
      { id: 'champion.val_logloss', passed: true, reason: 'val_logloss 0.412 ≤ champion 0.409 + 0.005' },
    ]);
  });

  it.each([
    [
      'worse than the champion beyond tolerance',
      { val_auc: 0.91, val_logloss: 0.415 },
      'champion.val_logloss',
      'val_logloss 0.415 > champion 0.409 + 0.005',
    ],
    ['below a metric threshold', { val_auc: 0.79, val_logloss: 0.4 }, 'metric.val_auc', 'val_auc 0.79 < 0.8'],
    ['missing a metric', { val_logloss: 0.4 }, 'metric.val_auc', 'val_auc missing from the run'],
  ])('fails a candidate %s', (_, metrics, id, reason) => {
    const results = runChecks(checks, { version: aVersion(), run: aRun(metrics), champion });

    expect(results.find((r) => r.id === id)).toEqual({ id, passed: false, reason });
  });

  it('compares higher-is-better metrics with the tolerance subtracted', () => {
    const policy = aPolicy({
      checks: { compareToChampion: { metric: 'val_auc', lowerIsBetter: false, tolerance: 0.01 } },
    });

    const [result] = runChecks(policy.checks, {
      version: aVersion(),
      run: aRun({ val_auc: 0.885 }),
      champion,
    }).slice(-1);

    expect(result).toEqual({
      id: 'champion.val_auc',
      passed: false,
      reason: 'val_auc 0.885 < champion 0.9 − 0.01',
    });
  });

  it('uses the baseline when there is no champion yet', () => {
    const results = runChecks(checks, { version: aVersion(), run: aRun({ val_auc: 0.77 }), champion: null });

    expect(results.at(-1)).toEqual({
      id: 'baseline.val_auc',
      passed: true,
      reason: 'val_auc 0.77 ≥ 0.75 (baseline: no champion yet)',
    });
  });

  it.each([
    [
      'a required tag is missing',
      aVersion({ tags: {} }),
      aRun({ val_auc: 0.9 }),
      'tag.git_sha',
      'required tag git_sha is missing',
    ],
    [
      'the description is blank',
      aVersion({ description: '  ' }),
      aRun({ val_auc: 0.9 }),
      'description',
      'description is empty',
    ],
    [
      'the run failed',
      aVersion(),
      aRun({ val_auc: 0.9 }, { status: 'FAILED' }),
      'run_status',
      'run status FAILED, expected FINISHED',
    ],
    ['there is no run', aVersion({ runId: undefined }), null, 'run_status', 'the version has no run'],
  ])('fails when %s', (_, version, run, id, reason) => {
    const results = runChecks(checks, { version, run, champion: null });

    expect(results.find((r) => r.id === id)).toEqual({ id, passed: false, reason });
  });
});

describe('a metric that is not a finite number', () => {
  it.each([
    ['NaN', 'metric.val_auc', { val_auc: Number.NaN, val_logloss: 0.41 }, 'val_auc is NaN (not a number)'],
    [
      'Infinity',
      'metric.val_auc',
      { val_auc: Number.POSITIVE_INFINITY, val_logloss: 0.41 },
      'val_auc is Infinity',
    ],
    [
      '-Infinity',
      'metric.val_auc',
      { val_auc: Number.NEGATIVE_INFINITY, val_logloss: 0.41 },
      'val_auc is -Infinity',
    ],
    [
      'NaN',
      'champion.val_logloss',
      { val_auc: 0.91, val_logloss: Number.NaN },
      'val_logloss is NaN (not a number)',
    ],
    [
      'Infinity',
      'champion.val_logloss',
      { val_auc: 0.91, val_logloss: Number.POSITIVE_INFINITY },
      'val_logloss is Infinity',
    ],
    [
      '-Infinity',
      'champion.val_logloss',
      { val_auc: 0.91, val_logloss: Number.NEGATIVE_INFINITY },
      'val_logloss is -Infinity',
    ],
  ])('fails when the candidate’s value is %s (%s)', (_, id, metrics, reason) => {
    const results = runChecks(checks, { version: aVersion(), run: aRun(metrics), champion });

    expect(results.find((r) => r.id === id)).toEqual({ id, passed: false, reason });
  });

  it.each([
    ['NaN', Number.NaN, 'val_auc is NaN (not a number) (baseline: no champion yet)'],
    ['Infinity', Number.POSITIVE_INFINITY, 'val_auc is Infinity (baseline: no champion yet)'],
  ])('fails the baseline when the value is %s', (_, value, reason) => {
    const results = runChecks(checks, { version: aVersion(), run: aRun({ val_auc: value }), champion: null });

    expect(results.at(-1)).toEqual({ id: 'baseline.val_auc', passed: false, reason });
  });

  it.each([
    ['NaN', Number.NaN, "champion v1's val_logloss is NaN (not a number): cannot compare"],
    ['Infinity', Number.POSITIVE_INFINITY, "champion v1's val_logloss is Infinity: cannot compare"],
    ['-Infinity', Number.NEGATIVE_INFINITY, "champion v1's val_logloss is -Infinity: cannot compare"],
  ])('fails closed when the champion’s value is %s', (_, value, reason) => {
    const nanChampion = { ...champion, run: aRun({ val_logloss: value, val_auc: 0.9 }) };

    const results = runChecks(checks, {
      version: aVersion(),
      run: aRun({ val_auc: 0.91, val_logloss: 0.41 }),
      champion: nanChampion,
    });

    expect(results.at(-1)).toEqual({ id: 'champion.val_logloss', passed: false, reason });
  });

  it('spells non-finite values out for the audit trail', () => {
    const recorded = recordableMetrics({
      a: Number.NaN,
      b: Number.POSITIVE_INFINITY,
      c: Number.NEGATIVE_INFINITY,
      d: 0.4,
    });

    expect(recorded).toEqual({ a: 'NaN', b: 'Infinity', c: '-Infinity', d: 0.4 });
  });
});

describe('a baseline that always applies', () => {
  const floored = aPolicy({
    checks: {
      runStatus: [],
      compareToChampion: { metric: 'val_logloss', lowerIsBetter: true, tolerance: 0.01 },
      baseline: { name: 'val_logloss', max: 0.31, always: true },
    },
  }).checks;
  const championWith = (logloss: number, version: string) => ({
    version: aVersion({ version, runId: `run-${version}` }),
    run: aRun({ val_logloss: logloss }),
  });

  it.each([
    [
      'with a champion',
      0.305,
      championWith(0.3, '1'),
      { id: 'baseline.val_logloss', passed: true, reason: 'val_logloss 0.305 ≤ 0.31 (baseline)' },
    ],
    [
      'without a champion',
      0.305,
      null,
      {
        id: 'baseline.val_logloss',
        passed: true,
        reason: 'val_logloss 0.305 ≤ 0.31 (baseline: no champion yet)',
      },
    ],
    [
      'and fails a version within tolerance of the champion but past the floor',
      0.319,
      championWith(0.309, '2'),
      { id: 'baseline.val_logloss', passed: false, reason: 'val_logloss 0.319 > 0.31 (baseline)' },
    ],
  ])('applies %s', (_, logloss, holder, expected) => {
    const results = runChecks(floored, {
      version: aVersion({ version: '3' }),
      run: aRun({ val_logloss: logloss }),
      champion: holder,
    });

    expect(results.at(-1)).toEqual(expected);
  });

  it('stops tolerance compounding: 0.300 → 0.309 passes, 0.309 → 0.319 fails on the floor alone', () => {
    const step = (logloss: number, previous: number, version: string) =>
      runChecks(floored, {
        version: aVersion({ version }),
        run: aRun({ val_logloss: logloss }),
        champion: championWith(previous, String(Number(version) - 1)),
      })
        .filter((r) => !r.passed)
        .map((r) => r.id);

    const failures = [step(0.309, 0.3, '2'), step(0.319, 0.309, '3')];

    expect(failures).toEqual([[], ['baseline.val_logloss']]);
  });

  it('is left out while a champion exists when always is not set', () => {
    const results = runChecks(checks, {
      version: aVersion(),
      run: aRun({ val_auc: 0.91, val_logloss: 0.41 }),
      champion,
    });

    expect(results.map((r) => r.id)).not.toContain('baseline.val_auc');
  });
});
