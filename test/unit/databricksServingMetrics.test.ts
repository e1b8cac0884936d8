/**
 * Reading a Databricks serving endpoint's metrics export: the Prometheus text, each served
 * entity's minute (counts and histogram statistics), the datapoints recorded, and where the
 * analysis finds them again.
 */
import { describe, expect, it } from 'vitest';
import {
  databricksLayout,
  databricksMetricsNamespace,
  histogramQuantile,
  metricDataOf,
  servedEntityMinutes,
} from '../../lib/adapters/monitoring/databricksServingMetrics';
import { parsePrometheusText } from '../../lib/adapters/monitoring/prometheusText';
import { analysisSchema } from '../../lib/domain/analysisPolicy';
import { analysisSeries } from '../../lib/domain/canaryAnalysis';

/** An export in the documented shape: per-minute gauges and a latency histogram per served entity. */
const exportText = [
  '# HELP request_count_total Number of requests during the last minute',
  '# TYPE request_count_total gauge',
  'request_count_total{served_entity_name="fraud-3"} 900 1764680400000',
  'request_count_total{served_entity_name="fraud-4"} 100 1764680400000',
  '# TYPE request_4xx_count_total gauge',
  'request_4xx_count_total{served_entity_name="fraud-4"} 2 1764680400000',
  'request_5xx_count_total{served_entity_name="fraud-4"} 3 1764680400000',
  '# TYPE request_latency_ms histogram',
  'request_latency_ms_bucket{served_entity_name="fraud-4",le="10"} 40 1764680400000',
  'request_latency_ms_bucket{served_entity_name="fraud-4",le="50"} 90 1764680400000',
  'request_latency_ms_bucket{served_entity_name="fraud-4",le="+Inf"} 100 1764680400000',
  'request_latency_ms_sum{served_entity_name="fraud-4"} 2500 1764680400000',
  'request_latency_ms_count{served_entity_name="fraud-4"} 100 1764680400000',
  'cpu_usage_percentage 12.5',
  '# EOF',
].join('\n');
const scrapedAt = new Date('2025-12-02T13:00:30Z');

describe('the Prometheus text exposition', () => {
  it.each([
    [
      'a labelled sample with a timestamp',
      'x{a="1"} 2 1764680400000',
      { name: 'x', labels: { a: '1' }, value: 2, timestampMs: 1764680400000 },
    ],
    ['a bare sample', 'cpu_usage_percentage 12.5', { name: 'cpu_usage_percentage', labels: {}, value: 12.5 }],
    [
      'an escaped quote and comma in a label',
      'x{a="b\\",c"} 1',
      { name: 'x', labels: { a: 'b",c' }, value: 1 },
    ],
    [
      'an OpenMetrics timestamp in seconds',
      'x 1 1764680400.5',
      { name: 'x', labels: {}, value: 1, timestampMs: 1764680400500 },
    ],
    ['+Inf', 'x +Inf', { name: 'x', labels: {}, value: Infinity }],
  ])('reads %s', (_case, line, sample) => {
    expect(parsePrometheusText(line)).toEqual([sample]);
  });

  it.each([
    ['a comment', '# TYPE x gauge'],
    ['a value that is not a number', 'x abc'],
    ['an unterminated label block', 'x{a="1" 2'],
    ['an empty line', '   '],
  ])('skips %s', (_case, line) => {
    expect(parsePrometheusText(line)).toEqual([]);
  });
});

describe('a histogram quantile', () => {
  it.each([
    ['the median inside the second bucket', 0.5, 18],
    ['p90 at a bucket bound', 0.9, 50],
    ['p99 in the +Inf bucket: the highest finite bound', 0.99, 50],
  ])('is %s', (_case, q, expected) => {
    const buckets: Array<[number, number]> = [
      [10, 40],
      [50, 90],
      [Infinity, 100],
    ];
    expect(histogramQuantile(buckets, q)).toBeCloseTo(expected, 10);
  });

  it('is undefined for a histogram without requests', () => {
    expect(
      histogramQuantile(
        [
          [10, 0],
          [Infinity, 0],
        ],
        0.5,
      ),
    ).toBeUndefined();
  });
});

describe("each served entity's minute", () => {
  it('counts requests and errors per entity under the names the analysis counts by', () => {
    const minutes = servedEntityMinutes(parsePrometheusText(exportText), scrapedAt);
    expect(minutes.map((m) => [m.entity, m.counts])).toEqual([
      ['fraud-3', { Invocations: 900 }],
      ['fraud-4', { Invocations: 100, Invocation4XXErrors: 2, Invocation5XXErrors: 3 }],
    ]);
  });

  it("keeps the export's own minute, not the time it was read", () => {
    const [minute] = servedEntityMinutes(parsePrometheusText(exportText), scrapedAt);
    expect(minute!.at.toISOString()).toBe('2025-12-02T13:00:00.000Z');
  });

  it('summarises each histogram by its average and quantiles', () => {
    const minutes = servedEntityMinutes(parsePrometheusText(exportText), scrapedAt);
    expect(minutes[1]!.histograms.request_latency_ms).toEqual({
      Average: 25,
      p50: 18,
      p90: 50,
      p95: 50,
      p99: 50,
    });
  });

  it('leaves out endpoint-wide samples, which cannot tell the challenger from the champion', () => {
    const minutes = servedEntityMinutes(parsePrometheusText('request_count_total 50'), scrapedAt);
    expect(minutes).toEqual([]);
  });
});

describe('the datapoints recorded', () => {
  it('are one per count and one per histogram statistic, per endpoint and served entity', () => {
    const data = metricDataOf('fraud-prod', servedEntityMinutes(parsePrometheusText(exportText), scrapedAt));
    const keys = data.map((d) => [d.MetricName, d.Dimensions!.map((x) => x.Value).join('/'), d.Value]);
    expect(keys).toEqual([
      ['Invocations', 'fraud-prod/fraud-3', 900],
      ['Invocations', 'fraud-prod/fraud-4', 100],
      ['Invocation4XXErrors', 'fraud-prod/fraud-4', 2],
      ['Invocation5XXErrors', 'fraud-prod/fraud-4', 3],
      ['request_latency_ms', 'fraud-prod/fraud-4/Average', 25],
      ['request_latency_ms', 'fraud-prod/fraud-4/p50', 18],
      ['request_latency_ms', 'fraud-prod/fraud-4/p90', 50],
      ['request_latency_ms', 'fraud-prod/fraud-4/p95', 50],
      ['request_latency_ms', 'fraud-prod/fraud-4/p99', 50],
    ]);
  });
});

describe('where the analysis finds a Databricks canary', () => {
  const analysis = analysisSchema.parse({
    quality: { namespace: 'Team/Quality', dimensions: { Entity: '{variant}' } },
    rules: [
      { metric: 'error_rate', maxIncrease: 0.005 },
      { metric: 'request_latency_ms', statistic: 'p99', maxIncreaseRatio: 1.2 },
      { metric: 'quality/accuracy', compare: 'absolute', min: 0.9 },
    ],
  });

  it('reads the counts recorded per served entity, each minute once', () => {
    const series = analysisSeries(analysis).map(databricksLayout.locate);
    expect(series.find((s) => s.id === 'invocations')).toEqual({
      id: 'invocations',
      namespace: databricksMetricsNamespace,
      metric: 'Invocations',
      statistic: 'Maximum',
      dimensions: { EndpointName: '{endpoint}', ServedEntity: '{variant}' },
    });
  });

  it("reads a histogram rule's statistic as recorded", () => {
    const series = analysisSeries(analysis).map(databricksLayout.locate);
    expect(series.find((s) => s.id === 'rule1')).toMatchObject({
      namespace: databricksMetricsNamespace,
      metric: 'request_latency_ms',
      statistic: 'Maximum',
      dimensions: { EndpointName: '{endpoint}', ServedEntity: '{variant}', Statistic: 'p99' },
    });
  });

  it("leaves a team's quality metric where the policy says", () => {
    const series = analysisSeries(analysis).map(databricksLayout.locate);
    expect(series.find((s) => s.id === 'rule2')).toMatchObject({
      namespace: 'Team/Quality',
      metric: 'accuracy',
    });
  });

  it('names a version by its served entity', () => {
    expect(databricksLayout.variant('main.ml.fraud', '4')).toBe('main-ml-fraud-4');
  });
});
