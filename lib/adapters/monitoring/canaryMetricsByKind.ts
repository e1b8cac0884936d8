/**
 * The canary metrics reader per serving kind: SageMaker's variants are read from CloudWatch; a
 * kind with no reader wired answers "no metrics source" with the reason, which the analysis
 * counts as inconclusive (the bake is extended, then the approvers are asked): no data never
 * passes. Databricks Model Serving has none yet: its metrics export is a scrape of the serving
 * endpoint's current counters, not a history of the step, so it is not read here.
 *
 * @example
 *   const reader = new CanaryMetricsByKind({ sagemaker: new CloudWatchCanaryMetrics(client) });
 *   (await reader.read({ ...request, kind: 'databricks' })).source; // null
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
