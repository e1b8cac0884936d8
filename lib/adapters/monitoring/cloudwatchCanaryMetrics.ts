/**
 * Reads a SageMaker canary's per-variant metrics side by side with CloudWatch GetMetricData:
 * SageMaker publishes Invocations, Invocation4XXErrors, Invocation5XXErrors, ModelLatency and
 * OverheadLatency per EndpointName and VariantName in AWS/SageMaker, and a team publishes its
 * quality metrics wherever the policy's `analysis.quality` says. One request carries every series
 * of both variants (up to 500 queries per request, as CloudWatch allows; NextToken followed).
 * A version's variant is `v<version>`, as the SageMaker serving adapter names it. Another serving
 * kind whose numbers are recorded into CloudWatch passes its own layout (databricksServingMetrics.ts).
 *
 * @example
 *   const reader = new CloudWatchCanaryMetrics(cloudWatchClient());
 *   (await reader.read(request)).series.invocations; // { challenger: [120, 131], champion: [1100, 1210] }
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import * as z from 'zod/mini';
import type {
  CanaryMetrics,
  CanaryMetricsReader,
  CanaryMetricsRequest,
  MetricSeries,
  VariantSeries,
} from '../../domain/analysisPorts';
import { awsFailure } from '../aws/awsErrors';
import { variantName } from '../serving/sagemakerDeployment';

/** The metrics could not be read; `retryable` when CloudWatch was unreachable or throttled. */
export class MetricReadError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.name = 'MetricReadError';
    this.retryable = options?.retryable ?? false;
  }
}

/** Where a serving kind's variants are found in CloudWatch. */
export interface CanaryMetricsLayout {
  /** Named in the evidence as the numbers' source. */
  source: string;
  /** A version's variant (or served entity) name, as the kind's serving adapter names it. */
  variant(model: string, version: string): string;
  /** Where one of the analysis's series is published for this kind. */
  locate(series: MetricSeries): MetricSeries;
}

/** SageMaker's own variants: AWS/SageMaker per EndpointName and VariantName `v<version>`. */
export const sagemakerLayout: CanaryMetricsLayout = {
  source: 'cloudwatch',
  variant: (_model, version) => variantName(version),
  locate: (series) => series,
};

const output = z.looseObject({
  MetricDataResults: z.optional(
    z.array(z.looseObject({ Id: z.string(), Values: z.optional(z.array(z.nullable(z.number()))) })),
  ),
  NextToken: z.optional(z.string()),
});

/** CloudWatch's limit of queries per GetMetricData request. */
const queriesPerRequest = 500;
const sides = { challenger: 'c', champion: 'b' } as const;

/** `{endpoint}`, `{variant}`, `{model}`, `{version}` in a dimension value, filled for one variant. */
function fill(
  template: string,
  request: CanaryMetricsRequest,
  version: string,
  layout: CanaryMetricsLayout,
): string {
  const values: Record<string, string> = {
    endpoint: request.endpoint,
    variant: layout.variant(request.model, version),
    model: request.model,
    version,
  };
  return template.replace(/\{(endpoint|variant|model|version)\}/g, (_, key: string) => values[key]!);
}

/** One query per series and variant, with ids `<series>_c` (challenger) and `<series>_b` (champion). */
function queriesOf(request: CanaryMetricsRequest, layout: CanaryMetricsLayout): MetricDataQuery[] {
  const variants = [
    ['challenger', request.challenger],
    ...(request.champion === null ? [] : [['champion', request.champion]]),
  ] as Array<[keyof typeof sides, string]>;
  return request.series.map(layout.locate).flatMap((series) =>
    variants.map(([side, version]) => ({
      Id: `${series.id}_${sides[side]}`,
      MetricStat: {
        Metric: {
          Namespace: series.namespace,
          MetricName: series.metric,
          Dimensions: Object.entries(series.dimensions).map(([Name, value]) => ({
            Name,
            Value: fill(value, request, version, layout),
          })),
        },
        Period: request.periodSeconds,
        Stat: series.statistic,
      },
      ReturnData: true,
    })),
  );
}

export class CloudWatchCanaryMetrics implements CanaryMetricsReader {
  /** The official CloudWatch client (lib/wiring/awsClients.ts `cloudWatchClient`). */
  constructor(
    private readonly client: Pick<CloudWatchClient, 'send'>,
    private readonly layout: CanaryMetricsLayout = sagemakerLayout,
  ) {}

  async read(request: CanaryMetricsRequest): Promise<CanaryMetrics> {
    const series: Record<string, VariantSeries> = Object.fromEntries(
      request.series.map((s) => [s.id, { challenger: [], champion: [] }]),
    );
    const start = new Date(request.from);
    const end = new Date(request.to);
    // An empty window holds no datapoints (CloudWatch refuses StartTime = EndTime).
    const { source } = this.layout;
    if (end.getTime() - start.getTime() < 1000) return { source, series };
    const queries = queriesOf(request, this.layout);
    for (let i = 0; i < queries.length; i += queriesPerRequest) {
      for (const [id, values] of await this.fetch(queries.slice(i, i + queriesPerRequest), start, end)) {
        const at = id.lastIndexOf('_');
        const side = id.slice(at + 1) === sides.champion ? 'champion' : 'challenger';
        series[id.slice(0, at)]?.[side].push(...values);
      }
    }
    return { source, series };
  }

  /** One batch of queries, following NextToken; datapoints without a value are dropped. */
  private async fetch(
    queries: MetricDataQuery[],
    start: Date,
    end: Date,
  ): Promise<Array<[string, number[]]>> {
    const results: Array<[string, number[]]> = [];
    let nextToken: string | undefined;
    do {
      let answer: unknown;
      try {
        answer = await this.client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: start,
            EndTime: end,
            ScanBy: 'TimestampAscending',
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
      } catch (error) {
        const failure = awsFailure(error);
        if (!failure) throw error;
        const message = `monitoring.GetMetricData failed: ${failure.code}: ${failure.message}`;
        throw new MetricReadError(message, { cause: error, retryable: failure.retryable });
      }
      const parsed = z.safeParse(output, answer);
      if (!parsed.success)
        throw new MetricReadError('CloudWatch GetMetricData answered in an unexpected shape');
      for (const r of parsed.data.MetricDataResults ?? []) {
        results.push([
          r.Id,
          (r.Values ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)),
        ]);
      }
      nextToken = parsed.data.NextToken;
    } while (nextToken);
    return results;
  }
}
