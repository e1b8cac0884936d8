/**
 * Metrics that are not finite numbers, end to end on the real MLflow server: a diverged run logs
 * NaN, an overflow logs Infinity (which MLflow's SQL store saves as the largest double), and
 * every check that reads such a value fails with a reason that says so, in the version's
 * `baton.check.*` tags. Also the ladder a policy can name: the entry alias on every new version,
 * and the comparison with the version holding `candidate` instead of the champion.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { eventually, tagsOf } from '../support/registryWaits';

const policies = resolve('test/fixtures/nonfinite-policies');
const experiment = 'baton-nonfinite-tests';
let stack: LocalStack;
let api: ReturnType<typeof mlflowApi>;

beforeAll(async () => {
  stack = await testStack('eu-south-2', { env: { POLICIES_DIR: policies } });
  api = mlflowApi(stack.mlflowUrl);
});
afterAll(async () => {
  await stack?.stop();
});

/** MLflow's JSON spells non-finite values as strings (JSON has no NaN), the way its clients send them. */
type LoggedValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** A finished run with these metrics, logged through MLflow's REST API, then a version of `model` from it. */
async function register(model: string, metrics: Record<string, LoggedValue>) {
  await api.ensureRegisteredModel(model);
  const runId = await api.createRun(experiment, {});
  await api.call('POST', 'runs/log-batch', {
    run_id: runId,
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: Date.now(), step: 0 })),
  });
  return (await api.createModelVersion(model, runId, { description: 'candidate', tags: {} })).version;
}

async function verdict(model: string, version: string) {
  return eventually(
    async () => {
      const v = await api.getModelVersion(model, version);
      const status = tagsOf(v).validation_status;
      return status === 'PASSED' || status === 'FAILED' ? v : undefined;
    },
    30_000,
    `a verdict on ${model} v${version}`,
  );
}

async function makeChampion(model: string, version: string) {
  await api.call('POST', 'registered-models/alias', { name: model, alias: 'champion', version });
}

describe('a version whose run logged a non-finite metric', () => {
  it.each([
    ['NaN', 'FAIL: val_auc is NaN (not a number)'],
    ['Infinity', 'FAIL: val_auc is Infinity'],
    ['-Infinity', 'FAIL: val_auc is -Infinity'],
  ] as const)('fails the threshold and the baseline when val_auc is %s', async (value, reason) => {
    const model = uniqueName('nonfinite-auc');

    const version = await verdict(model, await register(model, { val_auc: value, val_logloss: 0.3 }));

    expect(tagsOf(version)).toMatchObject({
      validation_status: 'FAILED',
      'baton.check.metric.val_auc': reason,
      'baton.check.baseline.val_auc': `${reason} (baseline: no champion yet)`,
    });
  });

  it('fails the champion comparison when its own val_logloss is -Infinity', async () => {
    const model = uniqueName('nonfinite-own');
    const first = await register(model, { val_auc: 0.9, val_logloss: 0.409 });
    await verdict(model, first);
    await makeChampion(model, first);

    const version = await verdict(model, await register(model, { val_auc: 0.9, val_logloss: '-Infinity' }));

    expect(tagsOf(version)).toMatchObject({
      validation_status: 'FAILED',
      'baton.check.champion.val_logloss': 'FAIL: val_logloss is -Infinity',
    });
  });

  it('records the verdict with the NaN spelled out in the audit trail', async () => {
    const model = uniqueName('nonfinite-audit');

    const version = await register(model, { val_auc: 'NaN', val_logloss: 0.3 });
    await verdict(model, version);
    const audit = await eventually(async () => {
      const entries = await testStore(stack).listAudit(model);
      return entries.length > 0 ? entries : undefined;
    });

    expect(audit).toEqual([
      expect.objectContaining({
        kind: 'validation.failed',
        version,
        evidence: expect.objectContaining({ metrics: { val_auc: 'NaN', val_logloss: 0.3 } }),
      }),
    ]);
  });
});

describe('a champion whose run logged a non-finite metric', () => {
  it.each([
    ['NaN', 'NaN (not a number)'],
    ['Infinity', 'Infinity'],
  ] as const)(
    'cannot be compared against when its val_logloss is %s: the comparison fails closed',
    async (value, spelled) => {
      const model = uniqueName('nonfinite-champion');
      const first = await register(model, { val_auc: 0.9, val_logloss: value });
      await verdict(model, first);
      await makeChampion(model, first);

      const second = await register(model, { val_auc: 0.91, val_logloss: 0.3 });
      const version = await verdict(model, second);

      expect(tagsOf(version)).toMatchObject({
        validation_status: 'FAILED',
        'baton.check.metric.val_auc': 'PASS: val_auc 0.91 ≥ 0.8',
        'baton.check.champion.val_logloss': `FAIL: champion v${first}'s val_logloss is ${spelled}: cannot compare`,
      });
    },
  );
});

describe('a smoke → candidate → champion ladder', () => {
  it('marks every version smoke at once and compares each with the current candidate', async () => {
    const model = uniqueName('ladder');

    const first = await verdict(model, await register(model, { val_logloss: 0.409 }));
    const within = await verdict(model, await register(model, { val_logloss: 0.41 }));
    const beyond = await verdict(model, await register(model, { val_logloss: 0.413 }));

    expect(tagsOf(first)['baton.check.candidate.val_logloss']).toBe(
      'PASS: val_logloss 0.409: no version holds candidate, nothing to compare with',
    );
    expect(tagsOf(within)['baton.check.candidate.val_logloss']).toBe(
      `PASS: val_logloss 0.41 ≤ candidate v${first.version} 0.409 + 0.002`,
    );
    expect(tagsOf(beyond)['baton.check.candidate.val_logloss']).toBe(
      `FAIL: val_logloss 0.413 > candidate v${within.version} 0.41 + 0.002`,
    );
    expect(tagsOf(beyond).validation_status).toBe('FAILED');
    const aliases = await eventually(async () => {
      const versions = await Promise.all(
        [first, within, beyond].map((v) => api.getModelVersion(model, v.version)),
      );
      const held = versions.map((v) => [...(v.aliases ?? [])].sort());
      return held[2]?.includes('smoke') ? held : undefined;
    });
    expect(aliases).toEqual([[], ['candidate'], ['smoke']]);
  });
});
