/**
 * Canary metrics for Databricks Model Serving. A serving endpoint's metrics export
 * (`GET /api/2.0/serving-endpoints/{name}/metrics`, Prometheus text) holds only the last minute:
 * `request_count_total`, `request_4xx_count_total` and `request_5xx_count_total` are gauges of
 * that minute, and histograms such as `request_latency_ms` describe that minute's requests, each
 * per served entity. There is no history to ask later, so the tick records every live canary's
 * export once a minute into CloudWatch (`Baton/DatabricksServing`, per EndpointName and
 * ServedEntity), and the analysis reads them back with GetMetricData exactly as it reads
 * SageMaker's variants: the counts under SageMaker's names (Invocations, Invocation4XXErrors,
 * Invocation5XXErrors), each histogram under its own family name with a `Statistic` dimension
 * (Average, p50, p90, p95, p99). A minute recorded twice is read once (statistic Maximum).
 *
 * @example
 *   await new DatabricksMetricsRecorder(http, cloudWatchClient()).record('fraud-prod'); // 16 datapoints
 *   new CloudWatchCanaryMetrics(cloudWatchClient(), databricksLayout).read(request);
 */
import { type CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { parseJson } from '../../../events/json';
import type { MetricSeries, ServingMetricsRecorder } from '../../domain/analysisPorts';
import { awsFailure } from '../aws/awsErrors';
import type { HttpClient } from '../registry/httpClient';
import { servedEntityName } from '../serving/databricksConfig';
import { type CanaryMetricsLayout, MetricReadError } from './cloudwatchCanaryMetrics';
import { parsePrometheusText, type Sample } from './prometheusText';

export const databricksMetricsNamespace = 'Baton/DatabricksServing';

/** The export's per-minute counts, under the names the analysis counts by (SageMaker's). */
const counts: Record<string, string> = {
  request_count_total: 'Invocations',
  request_4xx_count_total: 'Invocation4XXErrors',
  request_5xx_count_total: 'Invocation5XXErrors',
};
/** The statistics recorded of each histogram; a rule naming another finds no data (inconclusive). */
const quantiles = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 } as const;
/** The label naming a sample's served entity, as workspaces have exported it. */
const entityLabels = ['served_entity_name', 'served_entity', 'served_model_name'];

/** One served entity's minute: its counts and each histogram's statistics. */
export interface EntityMinute {
  entity: string;
  at: Date;
  counts: Record<string, number>;
  histograms: Record<string, Record<string, number>>;
}

const entityOf = (s: Sample) => entityLabels.map((l) => s.labels[l]).find((v) => v !== undefined);

/**
 * The quantile of a histogram's cumulative buckets, interpolated inside its bucket as
 * Prometheus's histogram_quantile does; undefined for an empty histogram.
 *
 * @example
 *   histogramQuantile([[10, 5], [20, 10], [Infinity, 10]], 0.5); // 10
 */
export function histogramQuantile(buckets: Array<[number, number]>, q: number): number | undefined {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, cumulative] of sorted) {
    if (cumulative >= rank) {
      if (le === Infinity) return lower;
      return cumulative === below ? le : lower + ((le - lower) * (rank - below)) / (cumulative - below);
    }
    [lower, below] = [le, cumulative];
  }
  return lower;
}

/**
 * Each served entity's minute from one export; samples without an entity label (endpoint-wide)
 * cannot tell the challenger from the champion and are left out.
 *
 * @example
 *   servedEntityMinutes(parsePrometheusText(text), new Date())[0].counts.Invocations; // 120
 */
export function servedEntityMinutes(samples: Sample[], scrapedAt: Date): EntityMinute[] {
  const byEntity = new Map<string, Sample[]>();
  for (const s of samples) {
    const entity = entityOf(s);
    if (entity !== undefined) byEntity.set(entity, [...(byEntity.get(entity) ?? []), s]);
  }
  return [...byEntity].map(([entity, own]) => {
    const stamp = own.find((s) => s.timestampMs !== undefined)?.timestampMs;
    const minute: EntityMinute = {
      entity,
      at: stamp ? new Date(stamp) : scrapedAt,
      counts: {},
      histograms: {},
    };
    for (const s of own) {
      const name = counts[s.name];
      if (name && Number.isFinite(s.value)) minute.counts[name] = (minute.counts[name] ?? 0) + s.value;
    }
    const families = new Set(own.filter((s) => s.name.endsWith('_bucket')).map((s) => s.name.slice(0, -7)));
    for (const family of families) {
      const buckets = own
        .filter((s) => s.name === `${family}_bucket` && s.labels.le !== undefined)
        .map((s): [number, number] => [s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), s.value]);
      const value = (suffix: string) => own.find((s) => s.name === `${family}_${suffix}`)?.value;
      const [sum, count] = [value('sum'), value('count')];
      const stats: Record<string, number> = {};
      if (sum !== undefined && count) stats.Average = sum / count;
      for (const [stat, q] of Object.entries(quantiles)) {
        const v = histogramQuantile(buckets, q);
        if (v !== undefined) stats[stat] = v;
      }
      if (Object.keys(stats).length > 0) minute.histograms[family] = stats;
    }
    return minute;
  });
}

/** The CloudWatch datapoints of one endpoint's minutes. */
export function metricDataOf(endpoint: string, minutes: EntityMinute[]): MetricDatum[] {
  return minutes.flatMap(({ entity, at, counts: own, histograms }) => {
    const dims = [
      { Name: 'EndpointName', Value: endpoint },
      { Name: 'ServedEntity', Value: entity },
    ];
    return [
      ...Object.entries(own).map(([MetricName, Value]) => ({
        MetricName,
        Dimensions: dims,
        Timestamp: at,
        Value,
        Unit: 'Count' as const,
      })),
      ...Object.entries(histograms).flatMap(([MetricName, stats]) =>
        Object.entries(stats).map(([stat, Value]) => ({
          MetricName,
          Dimensions: [...dims, { Name: 'Statistic', Value: stat }],
          Timestamp: at,
          Value,
        })),
      ),
    ];
  });
}

/** Where the analysis finds a Databricks canary's series: the recorded minutes, by served entity. */
export const databricksLayout: CanaryMetricsLayout = {
  source: 'databricks-metrics-export',
  variant: servedEntityName,
  locate(series: MetricSeries): MetricSeries {
    // A team's quality metrics stay where the policy says; `{variant}` is the served entity there.
    if (series.namespace !== 'AWS/SageMaker') return series;
    const count = Object.values(counts).includes(series.metric);
    return {
      ...series,
      namespace: databricksMetricsNamespace,
      statistic: 'Maximum',
      dimensions: {
        EndpointName: '{endpoint}',
        ServedEntity: '{variant}',
        ...(!count && { Statistic: series.statistic }),
      },
    };
  },
};

/** The API reference wraps the exposition as `{ "contents": … }`; workspaces answer it bare. */
function expositionOf(answer: unknown): string {
  const text = String(answer);
  if (!text.trimStart().startsWith('{')) return text;
  const parsed = parseJson(text);
  const contents = parsed.ok ? (parsed.value as { contents?: unknown } | null)?.contents : undefined;
  return typeof contents === 'string' ? contents : '';
}

/** PutMetricData takes at most 1,000 datapoints per request. */
const datapointsPerRequest = 1000;

export class DatabricksMetricsRecorder implements ServingMetricsRecorder {
  constructor(
    /** The workspace, with the serving token (lib/wiring). */
    private readonly http: HttpClient,
    private readonly cloudwatch: Pick<CloudWatchClient, 'send'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(endpoint: string): Promise<number> {
    const path = `/api/2.0/serving-endpoints/${encodeURIComponent(endpoint)}/metrics`;
    const answer = await this.http.request('GET', path, { text: true });
    const data = metricDataOf(
      endpoint,
      servedEntityMinutes(parsePrometheusText(expositionOf(answer)), this.now()),
    );
    for (let i = 0; i < data.length; i += datapointsPerRequest) {
      try {
        await this.cloudwatch.send(
          new PutMetricDataCommand({
            Namespace: databricksMetricsNamespace,
            MetricData: data.slice(i, i + datapointsPerRequest),
          }),
        );
      } catch (error) {
        const failure = awsFailure(error);
        if (!failure) throw error;
        throw new MetricReadError(`monitoring.PutMetricData failed: ${failure.code}: ${failure.message}`, {
          cause: error,
          retryable: failure.retryable,
        });
      }
    }
    return data.length;
  }
}
