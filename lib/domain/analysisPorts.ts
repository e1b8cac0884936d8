/**
 * What the canary analysis asks of monitoring: each variant's metrics over the live step, side by
 * side, as per-period datapoints. The core names the series (canaryAnalysis.ts `analysisSeries`);
 * an adapter per serving kind knows where they are published (CloudWatch for SageMaker) and how a
 * version's variant is named. A kind without a metrics source answers `source: null` with a reason,
 * which the analysis treats as inconclusive: no data never passes.
 */
import type { ServingKind } from '../../events/artefact';

/** One metric to read for both variants. */
export interface MetricSeries {
  /** The key the datapoints come back under. */
  id: string;
  namespace: string;
  metric: string;
  /** CloudWatch statistic of each datapoint: Sum, Average, p99… */
  statistic: string;
  /** Dimension values may hold `{endpoint}`, `{variant}`, `{model}`, `{version}`, filled per variant. */
  dimensions: Record<string, string>;
}

export interface CanaryMetricsRequest {
  model: string;
  endpoint: string;
  kind: ServingKind;
  challenger: string;
  /** The champion's version (null: a first version, nothing to compare with). */
  champion: string | null;
  /** The window: from the start of the live step to now (ISO 8601). */
  from: string;
  to: string;
  periodSeconds: number;
  series: MetricSeries[];
}

/** Datapoints of each variant, oldest first. */
export interface VariantSeries {
  challenger: number[];
  champion: number[];
}

export interface CanaryMetrics {
  /** Where the numbers come from (e.g. `cloudwatch`); null: this serving kind has no metrics source. */
  source: string | null;
  /** Why there is no source. */
  reason?: string;
  series: Record<string, VariantSeries>;
}

export interface CanaryMetricsReader {
  read(request: CanaryMetricsRequest): Promise<CanaryMetrics>;
}

/**
 * Records a serving endpoint's current per-variant numbers where the analysis reads them back:
 * for platforms that export only the last minute (Databricks Model Serving), the tick keeps the
 * history of each live canary step by recording every minute.
 */
export interface ServingMetricsRecorder {
  /** Reads the endpoint's export once and records it; the number of datapoints recorded. */
  record(endpoint: string): Promise<number>;
}

/** The versions holding a rollout lease: every canary now live. */
export interface LiveRollouts {
  liveRollouts(): Promise<Array<{ model: string; version: string }>>;
}
