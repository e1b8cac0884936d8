/**
 * Canary evidence for Databricks Model Serving: the recorder reads a serving endpoint's metrics
 * export from a local stand-in for a workspace (which checks the documented request:
 * GET /api/2.0/serving-endpoints/{name}/metrics with the bearer token, Prometheus text back, one
 * minute per read), records each minute into the emulator's CloudWatch with PutMetricData, and
 * the canary metrics reader gets them back with GetMetricData for the analysis to judge.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CloudWatchCanaryMetrics } from '../../lib/adapters/monitoring/cloudwatchCanaryMetrics';
import {
  DatabricksMetricsRecorder,
  databricksLayout,
} from '../../lib/adapters/monitoring/databricksServingMetrics';
import { HttpClient } from '../../lib/adapters/registry/httpClient';
import { servedEntityName } from '../../lib/adapters/serving/databricksConfig';
import { analysisSchema } from '../../lib/domain/analysisPolicy';
import { analysisSeries, judgeAnalysis } from '../../lib/domain/canaryAnalysis';
import { testCloudWatch } from '../support/awsCalls';
import { uniqueName } from '../support/localStack';
import { startReceiver } from '../support/receiver';

const token = 'dapi-metrics-test';
const model = 'main.ml.fraud';
const cloudwatch = testCloudWatch({
  region: 'eu-north-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  env: { AWS_ENDPOINT_URL: inject('motoUrl') },
});
const analysis = analysisSchema.parse({
  minSamples: 500,
  rules: [
    { metric: 'error_rate', maxIncrease: 0.005 },
    { metric: 'request_latency_ms', statistic: 'p99', maxIncreaseRatio: 1.5 },
  ],
});

/** One served entity's minute: requests, 5XX errors, and where its latencies fall. */
interface Minute {
  calls: number;
  errors: number;
  /** Requests at or under 10 ms; the rest take up to 50 ms. */
  fast: number;
}

/** The export of one minute, as a workspace answers it (each sample stamped with the minute). */
function exposition(entities: Record<string, Minute>, at: number): string {
  return Object.entries(entities)
    .flatMap(([entity, m]) => {
      const l = `served_entity_name="${entity}"`;
      return [
        `request_count_total{${l}} ${m.calls} ${at}`,
        `request_4xx_count_total{${l}} 0 ${at}`,
        `request_5xx_count_total{${l}} ${m.errors} ${at}`,
        `request_latency_ms_bucket{${l},le="10"} ${m.fast} ${at}`,
        `request_latency_ms_bucket{${l},le="50"} ${m.calls} ${at}`,
        `request_latency_ms_bucket{${l},le="+Inf"} ${m.calls} ${at}`,
        `request_latency_ms_sum{${l}} ${m.fast * 5 + (m.calls - m.fast) * 30} ${at}`,
        `request_latency_ms_count{${l}} ${m.calls} ${at}`,
      ];
    })
    .join('\n');
}

/** A workspace whose endpoints serve `minutes` in turn, one per read; anything undocumented is a violation. */
async function workspace(minutes: Array<Record<string, Minute>>, start: number, wrap = false) {
  const violations: string[] = [];
  let read = 0;
  const receiver = await startReceiver((r) => {
    if (r.method !== 'GET' || !/^\/api\/2\.0\/serving-endpoints\/[A-Za-z0-9_-]{1,63}\/metrics$/.test(r.path))
      violations.push(`${r.method} ${r.path}`);
    if (r.headers.authorization !== `Bearer ${token}`) violations.push('no bearer token');
    const index = Math.min(read++, minutes.length - 1);
    const text = exposition(minutes[index]!, start + index * 60_000);
    return wrap
      ? { status: 200, body: JSON.stringify({ contents: text }) }
      : { status: 200, body: text, headers: { 'content-type': 'text/plain; version=0.0.4' } };
  });
  return { ...receiver, violations };
}

/** Records `minutes` (one read each, the last twice) of `endpoint`, then reads the step back as the analysis would. */
async function recordAndRead(minutes: Array<Record<string, Minute>>, options: { wrap?: boolean } = {}) {
  const endpoint = uniqueName('dbx-prod');
  const start = Math.floor(Date.now() / 60_000) * 60_000 - minutes.length * 60_000;
  const stub = await workspace(minutes, start, options.wrap);
  try {
    const recorder = new DatabricksMetricsRecorder(
      new HttpClient({ baseUrl: stub.url, auth: { token } }),
      cloudwatch,
    );
    // One read more than minutes: the last minute is read twice, as two ticks within a minute would.
    for (let i = 0; i <= minutes.length; i++) await recorder.record(endpoint);
    const metrics = await new CloudWatchCanaryMetrics(cloudwatch, databricksLayout).read({
      model,
      endpoint,
      kind: 'databricks',
      challenger: '4',
      champion: '3',
      from: new Date(start - 1000).toISOString(),
      to: new Date().toISOString(),
      periodSeconds: 60,
      series: analysisSeries(analysis),
    });
    return { metrics, violations: stub.violations };
  } finally {
    await stub.close();
  }
}

const [champion, challenger] = [servedEntityName(model, '3'), servedEntityName(model, '4')];
let healthy: Awaited<ReturnType<typeof recordAndRead>>;
let failing: Awaited<ReturnType<typeof recordAndRead>>;

beforeAll(async () => {
  const same = {
    [champion]: { calls: 1800, errors: 18, fast: 1700 },
    [challenger]: { calls: 200, errors: 2, fast: 189 },
  };
  healthy = await recordAndRead([same, same, same]);
  const worse = {
    [champion]: { calls: 1800, errors: 18, fast: 1700 },
    [challenger]: { calls: 200, errors: 20, fast: 189 },
  };
  failing = await recordAndRead([worse, worse, worse], { wrap: true });
});
afterAll(() => cloudwatch.destroy?.());

describe('a Databricks canary step read from its recorded metrics export', () => {
  it('asks the workspace only the documented request, with the bearer token', () => {
    expect([...healthy.violations, ...failing.violations]).toEqual([]);
  });

  it("gets each served entity's counts back, a minute per read and a minute read twice once", () => {
    expect(healthy.metrics.source).toBe('databricks-metrics-export');
    expect(healthy.metrics.series.invocations).toEqual({
      challenger: [200, 200, 200],
      champion: [1800, 1800, 1800],
    });
    expect(healthy.metrics.series.errors5xx).toEqual({ challenger: [2, 2, 2], champion: [18, 18, 18] });
  });

  it("gets each minute's p99 latency of both entities back, interpolated in its bucket", () => {
    // 99 % of 200 is the 198th request: 9 of the 11 between 10 and 50 ms; of 1,800 the 1,782nd: 82 of 100.
    const p99 = healthy.metrics.series.rule1!;
    expect(p99.challenger.map((v) => v.toFixed(3))).toEqual(['42.727', '42.727', '42.727']);
    expect(p99.champion.map((v) => v.toFixed(3))).toEqual(['42.800', '42.800', '42.800']);
  });

  it('passes a challenger equal to its champion', () => {
    const verdict = judgeAnalysis(analysis, healthy.metrics, true);
    expect([verdict.outcome, verdict.invocations]).toEqual(['pass', { challenger: 600, champion: 5400 }]);
  });

  it('fails a challenger with ten times the error rate, with the numbers (export wrapped as the API reference shows)', () => {
    const verdict = judgeAnalysis(analysis, failing.metrics, true);
    expect(verdict.outcome).toBe('fail');
    expect(verdict.rules[0]).toMatchObject({
      metric: 'error_rate',
      outcome: 'fail',
      challenger: 0.1,
      champion: 0.01,
    });
  });
});
