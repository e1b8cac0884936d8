/**
 * The tick's sweep that records live canaries' metrics exports: which endpoints it records, and
 * that one unreadable endpoint neither stops the others nor fails the tick.
 */
import { describe, expect, it } from 'vitest';
import {
  needsServingMetrics,
  recordServingMetrics,
  type ServingMetricsDeps,
} from '../../lib/app/servingMetrics';
import type { VersionState } from '../../lib/domain/state';
import { aPolicy } from '../support/builders';

const analysed = aPolicy({
  rollout: { ...rolloutPolicy(), analysis: { rules: [{ metric: 'error_rate', maxIncrease: 0.005 }] } },
});
const unanalysed = aPolicy({ rollout: rolloutPolicy() });

function rolloutPolicy() {
  return {
    endpoint: { kind: 'databricks', name: 'fraud-prod' },
    steps: [10, 100],
    bakeTime: '10m',
  };
}

/** A version with a rollout on `kind` at `step`. */
function rollingOut(model: string, version: string, kind: string, step: number, endpoint = `${model}-prod`) {
  return {
    model,
    version,
    rollout: {
      endpoint,
      kind,
      step,
      champion: '1',
      approvedBy: [],
      startedAt: '',
      weights: {},
      deadline: 0,
      alarms: [],
    },
  } as unknown as VersionState;
}

function deps(
  states: VersionState[],
  options: { failing?: string; policy?: ServingMetricsDeps['policyFor'] } = {},
) {
  const recorded: string[] = [];
  const sweep: ServingMetricsDeps = {
    rollouts: { liveRollouts: async () => states.map((s) => ({ model: s.model, version: s.version })) },
    store: {
      getVersion: async (model, version) =>
        states.find((s) => s.model === model && s.version === version) ?? null,
    },
    policyFor: options.policy ?? (() => analysed),
    recorders: {
      databricks: {
        async record(endpoint) {
          if (endpoint === options.failing) throw new Error('workspace unreachable');
          recorded.push(endpoint);
          return 4;
        },
      },
    },
  };
  return { sweep, recorded };
}

describe('recording live canaries’ metrics exports', () => {
  it('records each live Databricks step under an analysis once per endpoint', async () => {
    const { sweep, recorded } = deps([
      rollingOut('fraud', '4', 'databricks', 0),
      rollingOut('churn', '9', 'databricks', 1, 'shared-prod'),
      rollingOut('upsell', '2', 'databricks', 0, 'shared-prod'),
    ]);
    const result = await recordServingMetrics(sweep);
    expect(recorded).toEqual(['fraud-prod', 'shared-prod']);
    expect(result).toEqual({ endpoints: 2, datapoints: 8, failed: 0 });
  });

  it.each([
    ['a kind whose platform keeps its own history', rollingOut('fraud', '4', 'sagemaker', 0), analysed],
    ['a rollout before its first step', rollingOut('fraud', '4', 'databricks', -1), analysed],
    ['a policy without analysis', rollingOut('fraud', '4', 'databricks', 0), unanalysed],
  ])('records nothing for %s', async (_case, state, policy) => {
    const { sweep, recorded } = deps([state], { policy: () => policy });
    expect(await recordServingMetrics(sweep)).toEqual({ endpoints: 0, datapoints: 0, failed: 0 });
    expect(recorded).toEqual([]);
  });

  it('goes on past an endpoint it cannot read and counts it as failed', async () => {
    const { sweep, recorded } = deps(
      [rollingOut('fraud', '4', 'databricks', 0), rollingOut('churn', '9', 'databricks', 0)],
      { failing: 'fraud-prod' },
    );
    expect(await recordServingMetrics(sweep)).toEqual({ endpoints: 1, datapoints: 4, failed: 1 });
    expect(recorded).toEqual(['churn-prod']);
  });
});

describe('whether the tick needs the sweep at all', () => {
  const sagemakerAnalysed = aPolicy({
    rollout: {
      ...rolloutPolicy(),
      endpoint: { kind: 'sagemaker', name: 'baton-fraud' },
      analysis: analysed.rollout?.analysis,
    },
  });

  it.each([
    ['a Databricks canary under analysis', [unanalysed, analysed], true],
    ['Databricks canaries without analysis', [unanalysed], false],
    ['analysis on a kind that keeps its own history', [sagemakerAnalysed], false],
    ['no rollout at all', [aPolicy()], false],
  ])('%s: %s', (_case, policies, needed) => {
    expect(needsServingMetrics(policies, ['databricks'])).toBe(needed);
  });
});
