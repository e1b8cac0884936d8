import { describe, expect, it } from 'vitest';
import { runChecks } from '../../lib/domain/checks';
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
