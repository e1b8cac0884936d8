/**
 * The canary analysis in the pure core: each rule's verdict with the sentence people read, the
 * step's verdict (no data and too few samples are never a pass), and what the step check does
 * with it: a failure aborts naming the rule, an inconclusive step bakes longer, then pauses.
 */
import { describe, expect, it } from 'vitest';
import { analysisSchema } from '../../lib/domain/analysisPolicy';
import type { CanaryMetrics } from '../../lib/domain/analysisPorts';
import { analysisSeries, judgeAnalysis } from '../../lib/domain/canaryAnalysis';
import { decide } from '../../lib/domain/decide';
import { factsNeeded } from '../../lib/domain/factsNeeded';
import type { VersionState } from '../../lib/domain/state';
import { aDueEvent, aPolicy } from '../support/builders';

const analysis = analysisSchema.parse({
  minSamples: 500,
  maxExtensions: 2,
  quality: {
    namespace: 'Fraud/Quality',
    dimensions: { EndpointName: '{endpoint}', VariantName: '{variant}' },
  },
  rules: [
    { metric: 'error_rate', maxIncrease: 0.005, test: 'two_proportion', confidence: 0.95 },
    { metric: 'ModelLatency', statistic: 'p99', maxIncreaseRatio: 1.2, test: 'mann_whitney' },
    { metric: 'quality/accuracy', compare: 'absolute', min: 0.9 },
  ],
});

/** Per-minute series of both variants: counts spread over 5 minutes, latency and accuracy as given. */
function metrics(
  counts: { calls: [number, number]; errors: [number, number] },
  latency: [number[], number[]] = [
    [100, 101, 102, 103, 104],
    [100, 101, 102, 103, 104],
  ],
  accuracy: number[] = [0.95, 0.94, 0.96],
): CanaryMetrics {
  const spread = (n: number) => [n - 4 * Math.floor(n / 5), ...Array(4).fill(Math.floor(n / 5))];
  return {
    source: 'cloudwatch',
    series: {
      invocations: { challenger: spread(counts.calls[0]), champion: spread(counts.calls[1]) },
      errors4xx: { challenger: [0], champion: [0] },
      errors5xx: { challenger: spread(counts.errors[0]), champion: spread(counts.errors[1]) },
      rule1: { challenger: latency[0], champion: latency[1] },
      rule2: { challenger: accuracy, champion: [] },
    },
  };
}

describe('the step verdict', () => {
  it.each([
    [
      'a clearly higher error rate fails',
      metrics({ calls: [1000, 9000], errors: [40, 45] }),
      'fail',
      'error_rate 0.04 (40/1000) vs champion 0.005 (45/9000) exceeds +0.005; two-proportion z-test p = 1.4e-30 < 0.05',
    ],
    [
      'a higher error rate without significance is inconclusive',
      metrics({ calls: [600, 5400], errors: [8, 40] }),
      'inconclusive',
      'error_rate 0.0133333 (8/600) vs champion 0.00740741 (40/5400) exceeds +0.005 but two-proportion z-test p = 0.0610769 ≥ 0.05: the test cannot tell yet',
    ],
    [
      'too few invocations is inconclusive',
      metrics({ calls: [120, 1080], errors: [0, 0] }),
      'inconclusive',
      'too few samples: 120 invocations of the challenger, 500 needed',
    ],
    [
      'accuracy below its floor fails',
      metrics({ calls: [1000, 9000], errors: [5, 45] }, undefined, [0.82, 0.84, 0.83]),
      'fail',
      'quality/accuracy mean 0.83 < min 0.9',
    ],
    [
      'a slower challenger fails on latency',
      metrics({ calls: [1000, 9000], errors: [5, 45] }, [
        [150, 160, 170, 155, 165],
        [100, 101, 102, 103, 104],
      ]),
      'fail',
      'ModelLatency median 160 vs champion 102 exceeds ×1.2; Mann–Whitney U p = 0.00609289 < 0.05',
    ],
    [
      'equal variants pass',
      metrics({ calls: [1000, 9000], errors: [5, 45] }),
      'pass',
      '3 rules passed on 1000 invocations',
    ],
  ])('%s', (_, data, outcome, reason) => {
    const verdict = judgeAnalysis(analysis, data, true);

    expect({ outcome: verdict.outcome, reason: verdict.reason }).toEqual({ outcome, reason });
  });

  it('is inconclusive without a metrics source, naming why', () => {
    const verdict = judgeAnalysis(
      analysis,
      { source: null, reason: 'databricks serving has no per-variant metrics source in Baton', series: {} },
      true,
    );

    expect(verdict).toMatchObject({
      outcome: 'inconclusive',
      reason: 'no metrics source: databricks serving has no per-variant metrics source in Baton',
    });
  });

  it('keeps the numbers of a failed rule: samples, values, test, p-value, interval and threshold', () => {
    const verdict = judgeAnalysis(analysis, metrics({ calls: [1000, 9000], errors: [40, 45] }), true);

    expect(verdict.rules[0]).toMatchObject({
      metric: 'error_rate',
      outcome: 'fail',
      samples: { challenger: 1000, champion: 9000 },
      challenger: 0.04,
      champion: 0.005,
      test: 'two_proportion',
      threshold: '+0.005',
    });
    expect(verdict.rules[0]!.pValue).toBeLessThan(1e-6);
    expect(verdict.rules[0]!.interval![0]).toBeGreaterThan(0.005);
  });

  it('judges only absolute rules for a first version with no champion', () => {
    const verdict = judgeAnalysis(analysis, metrics({ calls: [1000, 0], errors: [5, 0] }), false);

    expect(verdict.rules.map((r) => r.metric)).toEqual(['quality/accuracy']);
    expect(verdict.outcome).toBe('pass');
  });
});

describe('analysis rules in the policy', () => {
  it.each([
    [
      { metric: 'error_rate', test: 'two_proportion' },
      'challenger_vs_champion needs maxIncrease or maxIncreaseRatio',
    ],
    [{ metric: 'ModelLatency', maxIncrease: 5, test: 'two_proportion' }, 'two_proportion tests rates only'],
    [
      { metric: 'error_rate', statistic: 'p99', maxIncrease: 0.01 },
      'a rate (error_rate, server_error_rate, client_error_rate) is counted',
    ],
    [
      { metric: 'quality/accuracy', compare: 'absolute', min: 0.9, maxIncrease: 1 },
      'compare: absolute needs min, max or both',
    ],
    [
      { metric: 'quality/accuracy', compare: 'absolute', min: 0.9 },
      'a quality/<name> rule needs analysis.quality',
    ],
  ])('refuses %j', (rule, message) => {
    const parsed = analysisSchema.safeParse({ rules: [rule] });

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join('\n')).toContain(message);
  });
});

const t0 = Date.parse('2026-11-22T12:00:00.000Z');
const policy = aPolicy({
  approval: { approvers: ['ana@example.com'], minApprovals: 1 },
  rollout: {
    endpoint: { kind: 'sagemaker', name: 'fraud-prod' },
    steps: [10, 50, 100],
    bakeTime: '5s',
    analysis: { minSamples: 500, maxExtensions: 2, rules: [{ metric: 'error_rate', maxIncrease: 0.005 }] },
  },
});
function rolling(extensions?: number): VersionState {
  return {
    model: 'fraud',
    version: '7',
    phase: 'rolling_out',
    revision: 4,
    approvals: [{ by: 'ana@example.com', at: new Date(t0).toISOString(), via: 'slack' }],
    dueAt: t0 + 5_000,
    updatedAt: new Date(t0).toISOString(),
    rollout: {
      endpoint: 'fraud-prod',
      kind: 'sagemaker',
      champion: '6',
      approvedBy: ['ana@example.com'],
      startedAt: new Date(t0).toISOString(),
      step: 0,
      weights: { '6': 90, '7': 10 },
      stepAt: new Date(t0).toISOString(),
      deadline: t0 + 600_000,
      alarms: [],
      ...(extensions !== undefined && { analysisExtensions: extensions }),
    },
  };
}
const due = (state: VersionState) =>
  decide(state, aDueEvent(t0 + 5_000), policy, facts, new Date(t0 + 5_000));
let facts = {};

describe('the step check with an analysis', () => {
  it('aborts through the abort path, naming the rule and its numbers', () => {
    facts = { lease: '7', canaryMetrics: metrics({ calls: [1000, 9000], errors: [40, 45] }) };

    const decision = due(rolling());

    expect(decision.next?.phase).toBe('aborted');
    expect(decision.effects[0]).toMatchObject({ type: 'shiftTraffic', weights: { '6': 100 } });
    expect(decision.audit.map((a) => a.kind)).toEqual(['rollout.analysis', 'rollout.aborted']);
    expect(decision.audit[1]!.evidence.reason).toBe(
      'canary analysis failed at step 1: error_rate 0.04 (40/1000) vs champion 0.005 (45/9000) exceeds +0.005; two-proportion z-test p = 1.4e-30 < 0.05',
    );
  });

  it('extends the bake while the analysis is inconclusive, keeping the traffic', () => {
    facts = { lease: '7', canaryMetrics: metrics({ calls: [120, 1080], errors: [0, 0] }) };

    const decision = due(rolling(1));

    expect(decision.effects).toEqual([]);
    expect(decision.next?.rollout?.analysisExtensions).toBe(2);
    expect(decision.next?.dueAt).toBe(t0 + 10_000);
    expect(decision.audit[0]!.evidence).toMatchObject({
      extended: '2 of 2',
      analysis: { outcome: 'inconclusive' },
    });
  });

  it('pauses and asks the approvers once the extensions are used up, never passing', () => {
    facts = { lease: '7', canaryMetrics: metrics({ calls: [120, 1080], errors: [0, 0] }) };

    const decision = due(rolling(2));

    expect(decision.next?.rollout?.paused?.reason).toBe(
      'canary analysis inconclusive at step 1 after 2 extended bakes: too few samples: 120 invocations of the challenger, 500 needed',
    );
    expect(decision.effects).toContainEqual(
      expect.objectContaining({
        type: 'notify',
        notification: expect.objectContaining({
          kind: 'rollout.paused',
          analysis: expect.objectContaining({ outcome: 'inconclusive' }),
        }),
      }),
    );
  });

  it('moves to the next step when every rule passes, counting extensions afresh', () => {
    facts = { lease: '7', canaryMetrics: metrics({ calls: [1000, 9000], errors: [5, 45] }) };

    const decision = due(rolling(1));

    expect(decision.next?.rollout).toMatchObject({ step: 1, weights: { '6': 50, '7': 50 } });
    expect(decision.next?.rollout?.analysisExtensions).toBeUndefined();
    expect(decision.audit.map((a) => a.kind)).toEqual(['rollout.analysis', 'rollout.step']);
  });
});

describe('the facts a step check with an analysis reads', () => {
  it("names both variants' series since the step began", () => {
    const needed = factsNeeded(rolling(), aDueEvent(t0 + 5_000), policy);

    expect(needed.canaryMetrics).toMatchObject({
      endpoint: 'fraud-prod',
      challenger: '7',
      champion: '6',
      from: new Date(t0).toISOString(),
      periodSeconds: 60,
    });
    expect(needed.canaryMetrics?.series.map((s) => `${s.namespace} ${s.metric} ${s.statistic}`)).toEqual([
      'AWS/SageMaker Invocations Sum',
      'AWS/SageMaker Invocation4XXErrors Sum',
      'AWS/SageMaker Invocation5XXErrors Sum',
    ]);
  });

  it('reads a quality metric where the policy says the team publishes it', () => {
    expect(analysisSeries(analysis).slice(3)).toEqual([
      {
        id: 'rule1',
        namespace: 'AWS/SageMaker',
        metric: 'ModelLatency',
        statistic: 'p99',
        dimensions: { EndpointName: '{endpoint}', VariantName: '{variant}' },
      },
      {
        id: 'rule2',
        namespace: 'Fraud/Quality',
        metric: 'accuracy',
        statistic: 'Average',
        dimensions: { EndpointName: '{endpoint}', VariantName: '{variant}' },
      },
    ]);
  });
});
