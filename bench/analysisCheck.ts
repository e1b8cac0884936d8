/**
 * The canary analysis's overhead per step check: reading both variants' metrics with
 * GetMetricData from the emulator's CloudWatch and judging them (`analysis_check_p50_ms`, target
 * < 300 ms). The emulator holds a 30-minute bake of per-minute datapoints for a champion and a
 * challenger (invocations, errors, latency, the team's accuracy), as SageMaker and a team publish
 * them; each sample is one read plus one verdict, as the worker does before a step.
 *
 * @example
 *   await benchAnalysisCheck({ aws: side.aws, samples: 30 }); // { analysis_check_p50_ms: 41.2, … }
 */
import { randomBytes } from 'node:crypto';
import { CloudWatchCanaryMetrics } from '../lib/adapters/monitoring/cloudwatchCanaryMetrics';
import { analysisSchema } from '../lib/domain/analysisPolicy';
import type { CanaryMetricsRequest } from '../lib/domain/analysisPorts';
import { analysisSeries, judgeAnalysis } from '../lib/domain/canaryAnalysis';
import { cloudWatchClient } from '../lib/wiring/cloudWatchClient';
import { type AwsTarget, awsClientConfig } from '../local/resources';
import { testCloudWatch } from '../test/support/awsCalls';
import { median, percentile, round, since } from './stats';

const analysis = analysisSchema.parse({
  minSamples: 500,
  quality: {
    namespace: 'Bench/Quality',
    dimensions: { EndpointName: '{endpoint}', VariantName: '{variant}' },
  },
  rules: [
    { metric: 'error_rate', maxIncrease: 0.005 },
    // Average: the emulator computes no percentiles (CloudWatch itself would serve p99).
    { metric: 'ModelLatency', statistic: 'Average', maxIncreaseRatio: 1.2 },
    { metric: 'quality/accuracy', compare: 'absolute', min: 0.9 },
  ],
});
const bakeMinutes = 30;

/** Publishes a 30-minute bake of per-minute datapoints for both variants, ending now. */
async function publishBake(aws: AwsTarget, endpoint: string, now: number) {
  const cloudwatch = testCloudWatch({
    region: aws.region,
    credentials: awsClientConfig(aws).credentials,
    env: { AWS_ENDPOINT_URL: aws.endpoint },
  });
  const variants = { v6: { calls: 900, errors: 9, latency: 40 }, v7: { calls: 100, errors: 1, latency: 42 } };
  for (let minute = bakeMinutes; minute >= 1; minute--) {
    const at = new Date(now - minute * 60_000);
    const dims = (variant: string) => [
      { Name: 'EndpointName', Value: endpoint },
      { Name: 'VariantName', Value: variant },
    ];
    const datum = (name: string, variant: string, value: number) => ({
      MetricName: name,
      Dimensions: dims(variant),
      Value: value,
      Timestamp: at,
    });
    const entries = Object.entries(variants);
    await cloudwatch.call('PutMetricData', {
      Namespace: 'AWS/SageMaker',
      MetricData: entries.flatMap(([variant, t]) => [
        datum('Invocations', variant, t.calls),
        datum('Invocation4XXErrors', variant, 0),
        datum('Invocation5XXErrors', variant, t.errors),
        datum('ModelLatency', variant, t.latency + (minute % 5)),
      ]),
    });
    await cloudwatch.call('PutMetricData', {
      Namespace: 'Bench/Quality',
      MetricData: entries.map(([variant]) => datum('accuracy', variant, 0.93 + (minute % 3) / 100)),
    });
  }
}

export async function benchAnalysisCheck(options: {
  aws: AwsTarget;
  samples: number;
  log?: (line: string) => void;
}): Promise<Record<string, number>> {
  const endpoint = `bench-analysis-${randomBytes(3).toString('hex')}`;
  const now = Date.now();
  await publishBake(options.aws, endpoint, now);
  const reader = new CloudWatchCanaryMetrics(
    cloudWatchClient({
      region: options.aws.region,
      endpoint: options.aws.endpoint,
      credentials: awsClientConfig(options.aws).credentials,
    }),
  );
  const request = (): CanaryMetricsRequest => ({
    model: 'bench',
    endpoint,
    kind: 'sagemaker',
    challenger: '7',
    champion: '6',
    from: new Date(now - (bakeMinutes + 1) * 60_000).toISOString(),
    to: new Date().toISOString(),
    periodSeconds: 60,
    series: analysisSeries(analysis),
  });
  const timings: number[] = [];
  let outcome = '';
  for (let i = 0; i < options.samples + 3; i++) {
    const at = performance.now();
    const verdict = judgeAnalysis(analysis, await reader.read(request()), true);
    // The first reads warm the connection and the emulator's caches.
    if (i >= 3) timings.push(since(at));
    outcome = verdict.outcome;
  }
  options.log?.(`  verdict on the bench bake: ${outcome}`);
  if (outcome !== 'pass') throw new Error(`the bench bake should pass the analysis, it was ${outcome}`);
  return {
    analysis_check_p50_ms: round(median(timings), 1),
    analysis_check_p95_ms: round(percentile(timings, 95), 1),
  };
}
