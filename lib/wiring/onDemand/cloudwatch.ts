/**
 * CloudWatch's readers for the worker: alarm states and canary metrics (SageMaker's variants,
 * and the minutes the tick recorded of Databricks' metrics export). Imported on first use (lib/wiring/deferred.ts): only a baking canary reads them.
 */
import { CanaryMetricsByKind } from '../../adapters/monitoring/canaryMetricsByKind';
import { CloudWatchAlarmReader } from '../../adapters/monitoring/cloudwatchAlarms';
import { CloudWatchCanaryMetrics } from '../../adapters/monitoring/cloudwatchCanaryMetrics';
import { databricksLayout } from '../../adapters/monitoring/databricksServingMetrics';
import type { CanaryMetricsReader } from '../../domain/analysisPorts';
import type { AlarmReader } from '../../domain/monitoringPorts';
import { cloudWatchClient } from '../cloudWatchClient';

export function alarmReader(): AlarmReader {
  return new CloudWatchAlarmReader(cloudWatchClient());
}

/** Other kinds answer "no metrics source", which the analysis counts as inconclusive. */
export function canaryMetrics(): CanaryMetricsReader {
  const client = cloudWatchClient();
  return new CanaryMetricsByKind({
    sagemaker: new CloudWatchCanaryMetrics(client),
    databricks: new CloudWatchCanaryMetrics(client, databricksLayout),
  });
}
