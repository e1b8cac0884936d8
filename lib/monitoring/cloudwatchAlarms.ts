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
import * as z from 'zod/mini';
import { AwsRequestError } from '../aws/errors';
import { SignedJsonClient, type SignedJsonClientOptions } from '../aws/signedJsonClient';
import { type AlarmReader, AlarmState } from './ports';

/** The alarms could not be read; `retryable` when CloudWatch was unreachable or throttled. */
export class AlarmReadError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.name = 'AlarmReadError';
    this.retryable = options?.retryable ?? false;
  }
}

/**
 * A SignedJsonClient for CloudWatch's API (awsJson1_0); AWS_ENDPOINT_URL_CLOUDWATCH redirects it.
 *
 * @example
 *   const ssm = new SSMClient({});
 *   const client = cloudWatchClient({ region: ssm.config.region, credentials: ssm.config.credentials });
 */
export function cloudWatchClient(
  options: Pick<
    SignedJsonClientOptions,
    'region' | 'credentials' | 'env' | 'fetch' | 'timeoutMs' | 'retries'
  >,
): SignedJsonClient {
  return new SignedJsonClient({
    ...options,
    service: 'monitoring',
    endpointPrefix: 'monitoring',
    target: 'GraniteServiceVersion20100801',
    version: '1.0',
    endpointEnvName: 'CLOUDWATCH',
  });
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
  constructor(private readonly client: SignedJsonClient) {}

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
        output = await this.client.call('DescribeAlarms', {
          AlarmNames: names,
          // Without AlarmTypes CloudWatch returns metric alarms only.
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: batchSize,
          ...(nextToken ? { NextToken: nextToken } : {}),
        });
      } catch (error) {
        if (!(error instanceof AwsRequestError)) throw error;
        throw new AlarmReadError(error.message, { cause: error, retryable: error.retryable });
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
