/**
 * The canary metrics reader per serving kind: SageMaker's variants are read from CloudWatch, and
 * Databricks's served entities from the minutes the tick recorded of its metrics export
 * (databricksServingMetrics.ts); a kind with no reader wired answers "no metrics source" with the
 * reason, which the analysis counts as inconclusive (the bake is extended, then the approvers are
 * asked): no data never passes.
 *
 * @example
 *   const reader = new CanaryMetricsByKind({ sagemaker: new CloudWatchCanaryMetrics(client) });
 *   (await reader.read({ ...request, kind: 'none' })).source; // null
 */
import type { ServingKind } from '../../../events/artefact';
import type { CanaryMetrics, CanaryMetricsReader, CanaryMetricsRequest } from '../../domain/analysisPorts';

export class CanaryMetricsByKind implements CanaryMetricsReader {
  constructor(private readonly readers: Partial<Record<ServingKind, CanaryMetricsReader>>) {}

  async read(request: CanaryMetricsRequest): Promise<CanaryMetrics> {
    const reader = this.readers[request.kind];
    if (reader) return reader.read(request);
    return {
      source: null,
      reason: `${request.kind} serving has no per-variant metrics source in Baton`,
      series: {},
    };
  }
}
