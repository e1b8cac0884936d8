/**
 * Reads the state of the CloudWatch alarms a policy names (rollout.abortOnAlarms), metric and
 * composite alike, with DescribeAlarms: at most 100 names per request, as CloudWatch allows.
 * A name CloudWatch does not return is reported as MISSING.
 *
 * @example
 *   const alarms = new CloudWatchAlarmReader(cloudWatchClient({ region, credentials }));
 *   await alarms.states(['fraud-prod-5xx', 'fraud-prod-latency']);
 *   // [{ name: 'fraud-prod-5xx', state: 'OK', reason: '…' }, { name: 'fraud-prod-latency', state: 'MISSING' }]
 */

import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import * as z from 'zod/mini';
import { type AlarmReader, AlarmState } from '../../domain/monitoringPorts';
import { awsFailure } from '../aws/awsErrors';

/** The alarms could not be read; `retryable` when CloudWatch was unreachable or throttled. */
export class AlarmReadError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.name = 'AlarmReadError';
    this.retryable = options?.retryable ?? false;
  }
}

const alarm = z.looseObject({
  AlarmName: z.string(),
  StateValue: z.enum([AlarmState.Ok, AlarmState.Alarm, AlarmState.InsufficientData]),
  StateReason: z.optional(z.string()),
});
const describeAlarmsOutput = z.looseObject({
  MetricAlarms: z.optional(z.array(alarm)),
  CompositeAlarms: z.optional(z.array(alarm)),
  NextToken: z.optional(z.string()),
});
type Alarm = z.infer<typeof alarm>;

/** CloudWatch's limit on AlarmNames (and MaxRecords) per DescribeAlarms request. */
const batchSize = 100;

export class CloudWatchAlarmReader implements AlarmReader {
  /** The official CloudWatch client (lib/wiring/awsClients.ts `cloudWatchClient`). */
  constructor(private readonly client: Pick<CloudWatchClient, 'send'>) {}

  async states(names: string[]): Promise<Array<{ name: string; state: AlarmState; reason?: string }>> {
    const unique = [...new Set(names)];
    const found = new Map<string, Alarm>();
    for (let i = 0; i < unique.length; i += batchSize) {
      for (const a of await this.describe(unique.slice(i, i + batchSize))) found.set(a.AlarmName, a);
    }
    return names.map((name) => {
      const a = found.get(name);
      if (!a) return { name, state: AlarmState.Missing };
      return a.StateReason === undefined
        ? { name, state: a.StateValue }
        : { name, state: a.StateValue, reason: a.StateReason };
    });
  }

  /** One batch of names, following NextToken. */
  private async describe(names: string[]): Promise<Alarm[]> {
    const alarms: Alarm[] = [];
    let nextToken: string | undefined;
    do {
      let output: unknown;
      try {
        output = await this.client.send(
          new DescribeAlarmsCommand({
            AlarmNames: names,
            // Without AlarmTypes CloudWatch returns metric alarms only.
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            MaxRecords: batchSize,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
      } catch (error) {
        const failure = awsFailure(error);
        if (!failure) throw error;
        const message = `monitoring.DescribeAlarms failed: ${failure.code}: ${failure.message}`;
        throw new AlarmReadError(message, { cause: error, retryable: failure.retryable });
      }
      const result = z.safeParse(describeAlarmsOutput, output);
      if (!result.success)
        throw new AlarmReadError('CloudWatch DescribeAlarms answered in an unexpected shape');
      alarms.push(...(result.data.MetricAlarms ?? []), ...(result.data.CompositeAlarms ?? []));
      nextToken = result.data.NextToken;
    } while (nextToken);
    return alarms;
  }
}
