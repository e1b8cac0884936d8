/**
 * A CloudWatch alarm's state-change notification (the JSON message CloudWatch publishes to SNS),
 * normalised into a MonitoringAlert. Lenient about keys: real messages carry more than any sample
 * (AlarmActions, Trigger.Statistic, Trigger.Metrics for metric-math alarms…), and composite alarms
 * have no Trigger at all. Strict about the keys Baton relies on.
 *
 * - state: `ALARM` is firing. `OK` and `INSUFFICIENT_DATA` are both `resolved`: missing data is not
 *   evidence that a model hurts, and Baton never rolls back on it. (Before a canary step the rollout
 *   reads alarm states itself and treats INSUFFICIENT_DATA as no evidence of health; that is a
 *   different question from "should this alert act".)
 * - fingerprint: the AlarmArn, else the AlarmName; stable across every state of one alarm.
 * - labels: every dimension of Trigger.Dimensions by name, plus `alarm_name`; endpoint and variant
 *   from the SageMaker dimensions EndpointName and VariantName; model from a `model` or
 *   `registered_model` dimension.
 *
 * @example
 *   normaliseCloudWatchAlarm(JSON.parse(snsMessage));
 *   // { alert: { source: 'cloudwatch', name: 'fraud-prod-5xx', state: 'firing', endpoint: 'fraud-prod', … } }
 */
import * as z from 'zod/mini';
import { describeIssues } from '../issues';
import { AlertSource, type MonitoringAlert } from '../promotionEvent';
import {
  boundedFingerprint,
  boundedReason,
  endpointLabels,
  firstLabel,
  isoTime,
  modelLabels,
  reportInput,
  variantLabels,
} from './alertFields';

export const CloudWatchState = { Alarm: 'ALARM', Ok: 'OK', InsufficientData: 'INSUFFICIENT_DATA' } as const;

/** CloudWatch writes dimension keys in lower case in alarm notifications, and in Pascal case elsewhere. */
const dimensionSchema = z.looseObject({
  name: z.optional(z.string()),
  Name: z.optional(z.string()),
  value: z.optional(z.string()),
  Value: z.optional(z.string()),
});

export const cloudwatchAlarmSchema = z.looseObject({
  AlarmName: z.string().check(z.minLength(1), z.maxLength(1000)),
  AlarmArn: z.optional(z.nullable(z.string().check(z.maxLength(2048)))),
  AlarmDescription: z.optional(z.nullable(z.string())),
  NewStateValue: z.enum([CloudWatchState.Alarm, CloudWatchState.Ok, CloudWatchState.InsufficientData]),
  OldStateValue: z.optional(z.nullable(z.string())),
  NewStateReason: z.optional(z.nullable(z.string())),
  StateChangeTime: z.string().check(z.maxLength(100)),
  Trigger: z.optional(
    z.nullable(
      z.looseObject({
        Dimensions: z.optional(z.nullable(z.array(dimensionSchema).check(z.maxLength(100)))),
      }),
    ),
  ),
});
export type CloudWatchAlarm = z.infer<typeof cloudwatchAlarmSchema>;

export type NormalisedAlarm = { alert: MonitoringAlert } | { invalid: string };

/** Whether a parsed JSON value looks like a CloudWatch alarm message at all (for raw delivery). */
export function looksLikeCloudWatchAlarm(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'AlarmName' in value && 'NewStateValue' in value;
}

function dimensionLabels(alarm: CloudWatchAlarm): { labels: Record<string, string> } | { invalid: string } {
  const entries: Array<[string, string]> = [];
  for (const [index, dimension] of (alarm.Trigger?.Dimensions ?? []).entries()) {
    const name = dimension.name ?? dimension.Name;
    const value = dimension.value ?? dimension.Value;
    if (!name || value === undefined) {
      return { invalid: `Trigger.Dimensions.${index}: needs a name and a value` };
    }
    entries.push([name, value]);
  }
  // Object.fromEntries defines own properties, so a dimension called __proto__ stays a label.
  return { labels: Object.fromEntries([...entries, ['alarm_name', alarm.AlarmName]]) };
}

export function normaliseCloudWatchAlarm(message: unknown): NormalisedAlarm {
  const parsed = cloudwatchAlarmSchema.safeParse(message, reportInput);
  if (!parsed.success) return { invalid: describeIssues(parsed.error.issues) };
  const alarm = parsed.data;
  const at = isoTime(alarm.StateChangeTime);
  if (!at) return { invalid: 'StateChangeTime: expected an ISO 8601 date-time' };
  const dimensions = dimensionLabels(alarm);
  if ('invalid' in dimensions) return dimensions;
  const { labels } = dimensions;
  const model = firstLabel(labels, modelLabels);
  const endpoint = firstLabel(labels, ['EndpointName', ...endpointLabels]);
  const variant = firstLabel(labels, ['VariantName', ...variantLabels]);
  const reason = boundedReason(alarm.NewStateReason);
  return {
    alert: {
      source: AlertSource.CloudWatch,
      name: alarm.AlarmName,
      state: alarm.NewStateValue === CloudWatchState.Alarm ? 'firing' : 'resolved',
      labels,
      ...(model !== undefined && { model }),
      ...(endpoint !== undefined && { endpoint }),
      ...(variant !== undefined && { variant }),
      fingerprint: boundedFingerprint(alarm.AlarmArn || alarm.AlarmName),
      ...(reason !== undefined && { reason }),
      at,
    },
  };
}
