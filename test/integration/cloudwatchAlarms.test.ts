/**
 * The alarm reader against moto's CloudWatch: alarms created with PutMetricAlarm, put into each
 * state with SetAlarmState, then read back by name — including one that does not exist.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CloudWatchAlarmReader } from '../../lib/adapters/monitoring/cloudwatchAlarms';
import { testCloudWatch } from '../support/awsCalls';
import { uniqueName } from '../support/localStack';

const client = testCloudWatch({
  region: 'eu-north-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  env: { AWS_ENDPOINT_URL: inject('motoUrl') },
});
const reader = new CloudWatchAlarmReader(client);
const prefix = uniqueName('fraud-prod');
const names = { errors: `${prefix}-5xx`, latency: `${prefix}-latency`, traffic: `${prefix}-traffic` };

async function alarmIn(name: string, state: string, reason: string): Promise<void> {
  await client.call('PutMetricAlarm', {
    AlarmName: name,
    Namespace: 'AWS/SageMaker',
    MetricName: 'Invocation5XXErrors',
    Dimensions: [{ Name: 'EndpointName', Value: prefix }],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  });
  await client.call('SetAlarmState', { AlarmName: name, StateValue: state, StateReason: reason });
}

beforeAll(async () => {
  await alarmIn(names.errors, 'ALARM', 'Threshold Crossed: 3 datapoints were >= 1.0');
  await alarmIn(names.latency, 'OK', 'Threshold Crossed: 0 datapoints were >= 1.0');
  await alarmIn(names.traffic, 'INSUFFICIENT_DATA', 'no invocations in the last minute');
});

describe('CloudWatch alarm states', () => {
  it('reads each named alarm in the order asked, a missing one as MISSING', async () => {
    const states = await reader.states([
      names.latency,
      `${prefix}-never-created`,
      names.errors,
      names.traffic,
    ]);

    expect(states).toEqual([
      { name: names.latency, state: 'OK', reason: 'Threshold Crossed: 0 datapoints were >= 1.0' },
      { name: `${prefix}-never-created`, state: 'MISSING' },
      { name: names.errors, state: 'ALARM', reason: 'Threshold Crossed: 3 datapoints were >= 1.0' },
      { name: names.traffic, state: 'INSUFFICIENT_DATA', reason: 'no invocations in the last minute' },
    ]);
  });

  it('follows a state change', async () => {
    await client.call('SetAlarmState', {
      AlarmName: names.errors,
      StateValue: 'OK',
      StateReason: 'recovered',
    });

    expect(await reader.states([names.errors])).toEqual([
      { name: names.errors, state: 'OK', reason: 'recovered' },
    ]);
  });

  it('reads more names than one request may carry, 100 at a time', async () => {
    const counting = testCloudWatch({
      region: 'eu-north-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      env: { AWS_ENDPOINT_URL: inject('motoUrl') },
    });
    const many = Array.from({ length: 150 }, (_, i) => `${prefix}-absent-${i}`);

    const states = await new CloudWatchAlarmReader(counting).states([...many, names.latency]);

    const batches = counting.sent.map((command) => command.input.AlarmNames.length);
    expect(batches).toEqual([100, 51]);
    expect(states).toHaveLength(151);
    expect(states.filter((s) => s.state === 'MISSING')).toHaveLength(150);
    expect(states[150]).toMatchObject({ name: names.latency, state: 'OK' });
  });

  it('answers an empty list with an empty list', async () => {
    expect(await reader.states([])).toEqual([]);
  });
});
