import { readFileSync } from 'node:fs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { normaliseAlertmanagerWebhook } from '../../events/alerts/alertmanager';
import { normaliseCloudWatchAlarm } from '../../events/alerts/cloudwatchAlarm';
import { normaliseGrafanaWebhook } from '../../events/alerts/grafana';
import { unwrapSnsMessage } from '../../events/alerts/snsEnvelope';
import type { PromotionEvent } from '../../events/promotionEvent';
import { alarmQueue } from '../../functions/alarmQueue';
import { EnqueueError } from '../../lib/adapters/queue/errors';
import { judgeAlarmMessage } from '../../lib/app/ingress/alarmIngress';

const sample = (name: string) => JSON.parse(readFileSync(`events/samples/${name}`, 'utf8'));
const alarm = sample('cloudwatch-alarm.json');
const envelope = sample('sns-cloudwatch-alarm.json');
const alertsTopic = 'arn:aws:sns:eu-west-1:123456789012:baton-prod-alerts';
const now = new Date('2026-11-22T12:00:00Z');

const alertOf = (result: ReturnType<typeof normaliseCloudWatchAlarm>) => {
  if ('invalid' in result) throw new Error(result.invalid);
  return result.alert;
};
const alertsOf = (result: ReturnType<typeof normaliseAlertmanagerWebhook>) => {
  if ('invalid' in result) throw new Error(result.invalid);
  return result.alerts;
};

describe('CloudWatch alarm messages', () => {
  it('normalises the sample ALARM into a firing alert on its SageMaker endpoint and variant', () => {
    expect(normaliseCloudWatchAlarm(alarm)).toEqual({
      alert: {
        source: 'cloudwatch',
        name: 'fraud-prod-5xx',
        state: 'firing',
        labels: { EndpointName: 'fraud-prod', VariantName: 'AllTraffic', alarm_name: 'fraud-prod-5xx' },
        endpoint: 'fraud-prod',
        variant: 'AllTraffic',
        fingerprint: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fraud-prod-5xx',
        reason: expect.stringMatching(/^Threshold Crossed/),
        at: '2026-11-22T11:59:12.345Z',
      },
    });
  });

  it.each([
    ['ALARM', 'firing'],
    ['OK', 'resolved'],
    ['INSUFFICIENT_DATA', 'resolved'],
  ])('treats %s as %s', (value, state) => {
    expect(alertOf(normaliseCloudWatchAlarm({ ...alarm, NewStateValue: value })).state).toBe(state);
  });

  it('keeps one fingerprint across the states of one alarm', () => {
    const firing = alertOf(normaliseCloudWatchAlarm(alarm));
    const resolved = alertOf(
      normaliseCloudWatchAlarm({
        ...alarm,
        NewStateValue: 'OK',
        StateChangeTime: '2026-11-22T12:09:00.000+0000',
      }),
    );

    expect(resolved.fingerprint).toBe(firing.fingerprint);
    expect(resolved.at).toBe('2026-11-22T12:09:00.000Z');
  });

  it('falls back to the alarm name as fingerprint when there is no AlarmArn', () => {
    const { AlarmArn: _, ...withoutArn } = alarm;

    expect(alertOf(normaliseCloudWatchAlarm(withoutArn)).fingerprint).toBe('fraud-prod-5xx');
  });

  it('reads dimensions in either case, with the model from a model dimension', () => {
    const trigger = {
      Dimensions: [
        { Name: 'EndpointName', Value: 'churn-prod' },
        { name: 'registered_model', value: 'churn' },
        { name: 'Region', value: 'eu-west-1' },
      ],
    };

    const alert = alertOf(normaliseCloudWatchAlarm({ ...alarm, Trigger: trigger }));

    expect(alert).toMatchObject({ model: 'churn', endpoint: 'churn-prod' });
    expect(alert.labels).toEqual({
      EndpointName: 'churn-prod',
      registered_model: 'churn',
      Region: 'eu-west-1',
      alarm_name: 'fraud-prod-5xx',
    });
    expect(alert).not.toHaveProperty('variant');
  });

  it('accepts a composite alarm, which has no Trigger, and keys it does not know', () => {
    const { Trigger: _, ...composite } = alarm;

    const alert = alertOf(
      normaliseCloudWatchAlarm({ ...composite, AlarmRule: 'ALARM(a) OR ALARM(b)', Extra: [1] }),
    );

    expect(alert.labels).toEqual({ alarm_name: 'fraud-prod-5xx' });
    expect(alert).not.toHaveProperty('endpoint');
  });

  it.each([
    [{ NewStateValue: 'PENDING' }, /NewStateValue/],
    [{ AlarmName: '' }, /AlarmName: too short/],
    [{ StateChangeTime: 'yesterday' }, /StateChangeTime: expected an ISO 8601 date-time/],
    [
      { Trigger: { Dimensions: [{ name: 'EndpointName' }] } },
      /Trigger\.Dimensions\.0: needs a name and a value/,
    ],
  ])('refuses %j, naming the field', (change, detail) => {
    const result = normaliseCloudWatchAlarm({ ...alarm, ...change });

    expect(result).toEqual({ invalid: expect.stringMatching(detail) });
  });
});

describe('SNS envelope or raw delivery', () => {
  it('unwraps the alarm from an envelope of an allowed topic', () => {
    expect(unwrapSnsMessage(JSON.stringify(envelope), [alertsTopic])).toEqual({
      message: alarm,
      delivery: 'envelope',
      topicArn: alertsTopic,
    });
  });

  it('takes a body that is the alarm message itself as raw delivery', () => {
    expect(unwrapSnsMessage(JSON.stringify(alarm), [alertsTopic])).toEqual({
      message: alarm,
      delivery: 'raw',
      topicArn: null,
    });
  });

  it.each([
    [
      'a topic not allowed',
      JSON.stringify({ ...envelope, TopicArn: `${alertsTopic}-other` }),
      'topic_not_allowed',
    ],
    ['no allowed topics at all', JSON.stringify(envelope), 'topic_not_allowed'],
    [
      'a subscription confirmation',
      JSON.stringify({ ...envelope, Type: 'SubscriptionConfirmation' }),
      'not_an_alarm',
    ],
    ['a plain-text SNS message', JSON.stringify({ ...envelope, Message: 'disk full' }), 'not_an_alarm'],
    ['JSON that is no alarm', JSON.stringify({ hello: 'world' }), 'not_an_alarm'],
    ['a body that is not JSON', 'ALARM fraud-prod-5xx', 'malformed_json'],
  ])('drops %s', (name, body, code) => {
    const allowed = name === 'no allowed topics at all' ? [] : [alertsTopic];

    const result = unwrapSnsMessage(body, allowed);

    expect(result).toMatchObject({ dropped: { code } });
  });
});

describe('judging an alarm-queue message', () => {
  it('gives the same unrouted event for the envelope and for raw delivery', () => {
    const viaEnvelope = judgeAlarmMessage(JSON.stringify(envelope), { allowedTopics: [alertsTopic], now });
    const viaRaw = judgeAlarmMessage(JSON.stringify(alarm), { allowedTopics: [alertsTopic], now });

    expect(viaEnvelope).toMatchObject({ signature: 'valid', dropped: null, topicArn: alertsTopic });
    expect(viaRaw).toMatchObject({ signature: 'absent', dropped: null, topicArn: null });
    expect(viaRaw.event).toEqual(viaEnvelope.event);
    expect(viaEnvelope.event).toMatchObject({
      type: 'alert',
      model: 'baton.alerts',
      deliveryId:
        'cloudwatch:arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fraud-prod-5xx:firing:2026-11-22T11:59:12.345Z',
      receivedAt: now.toISOString(),
    });
  });

  it('reports a topic not allowed as an invalid signature, with nothing to queue', () => {
    const verdict = judgeAlarmMessage(JSON.stringify(envelope), { allowedTopics: [], now });

    expect(verdict).toMatchObject({
      signature: 'invalid',
      event: null,
      dropped: { code: 'topic_not_allowed' },
    });
  });

  it('drops an alarm message it cannot read, naming the field', () => {
    const broken = { ...envelope, Message: JSON.stringify({ ...alarm, StateChangeTime: 'soon' }) };

    const verdict = judgeAlarmMessage(JSON.stringify(broken), { allowedTopics: [alertsTopic], now });

    expect(verdict.dropped).toEqual({
      code: 'invalid_alarm',
      detail: 'StateChangeTime: expected an ISO 8601 date-time',
    });
  });
});

describe('the alarm queue consumer', () => {
  const record = (messageId: string, body: unknown): SQSRecord =>
    ({
      messageId,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {},
    }) as SQSRecord;
  const run = (records: SQSRecord[], enqueue: (event: PromotionEvent) => Promise<void>) =>
    alarmQueue({ Records: records } as SQSEvent, {} as Context, {
      queue: { enqueue },
      allowedTopics: [alertsTopic],
      now: () => now,
    });

  it('queues an unrouted alert per alarm and acknowledges what it drops', async () => {
    const queued: PromotionEvent[] = [];
    const stranger = { ...envelope, TopicArn: 'arn:aws:sns:eu-west-1:999999999999:other' };

    const response = await run(
      [record('m1', envelope), record('m2', stranger), record('m3', 'not json'), record('m4', alarm)],
      async (event) => {
        queued.push(event);
      },
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(queued.map((e) => e.type === 'alert' && e.alert.name)).toEqual([
      'fraud-prod-5xx',
      'fraud-prod-5xx',
    ]);
  });

  it('fails only the record whose alert could not be queued', async () => {
    const resolved = { ...alarm, NewStateValue: 'OK', StateChangeTime: '2026-11-22T12:09:00.000+0000' };

    const response = await run([record('m1', envelope), record('m2', resolved)], async (event) => {
      if (event.type === 'alert' && event.alert.state === 'resolved')
        throw new EnqueueError(new Error('down'));
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
  });
});

describe('Alertmanager webhooks', () => {
  const payload = sample('alertmanager.json');

  it('normalises every alert of the sample, with model and endpoint from the labels', () => {
    const alerts = alertsOf(normaliseAlertmanagerWebhook(payload));

    expect(alerts).toEqual([
      {
        source: 'alertmanager',
        name: 'HighErrorRate',
        state: 'firing',
        labels: payload.alerts[0].labels,
        model: 'fraud-detector',
        endpoint: 'fraud-prod',
        fingerprint: '7c1a5f2e9b3d4a60',
        reason: 'fraud-prod is answering 7.2% of requests with 5xx',
        at: '2026-11-22T11:52:03.871Z',
      },
      expect.objectContaining({
        name: 'FeatureDrift',
        model: 'fraud-detector',
        fingerprint: 'e2b94c0d1f7a3586',
      }),
    ]);
  });

  it('dates a resolved alert by its endsAt, and a firing one by its startsAt', () => {
    const [firing] = payload.alerts;
    const resolved = { ...firing, status: 'resolved', endsAt: '2026-11-22T12:20:03.871Z' };

    const alerts = alertsOf(normaliseAlertmanagerWebhook({ ...payload, alerts: [firing, resolved] }));

    expect(alerts.map((a) => [a.state, a.at])).toEqual([
      ['firing', '2026-11-22T11:52:03.871Z'],
      ['resolved', '2026-11-22T12:20:03.871Z'],
    ]);
    expect(alerts[0]!.fingerprint).toBe(alerts[1]!.fingerprint);
  });

  it('derives a stable fingerprint from the sorted labels when the alert has none', () => {
    const labels = { alertname: 'HighLatency', endpoint: 'fraud-prod', severity: 'page' };
    const reordered = { severity: 'page', alertname: 'HighLatency', endpoint: 'fraud-prod' };
    const alert = (l: Record<string, string>) => ({
      status: 'firing',
      labels: l,
      startsAt: '2026-11-22T11:00:00Z',
    });

    const [a, b, other] = alertsOf(
      normaliseAlertmanagerWebhook({
        version: '4',
        alerts: [alert(labels), alert(reordered), alert({ ...labels, severity: 'ticket' })],
      }),
    );

    expect(a!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(b!.fingerprint).toBe(a!.fingerprint);
    expect(other!.fingerprint).not.toBe(a!.fingerprint);
  });

  it('takes the description when there is no summary, and variant and registered_model labels', () => {
    const [alert] = alertsOf(
      normaliseAlertmanagerWebhook({
        version: '4',
        status: 'firing',
        futureKey: { anything: true },
        alerts: [
          {
            status: 'firing',
            labels: {
              alertname: 'Drift',
              registered_model: 'churn',
              endpoint_name: 'churn-prod',
              variant: 'blue',
            },
            annotations: { description: 'PSI above 0.2' },
            startsAt: '2026-11-22T11:00:00.123456789Z',
            unknownField: 1,
          },
        ],
      }),
    );

    expect(alert).toMatchObject({
      model: 'churn',
      endpoint: 'churn-prod',
      variant: 'blue',
      reason: 'PSI above 0.2',
      at: '2026-11-22T11:00:00.123Z',
    });
  });

  it.each([
    [{ version: '3' }, 'version: Baton reads Alertmanager webhook payload version "4", got "3"'],
    [{ version: 4 }, 'version: Baton reads Alertmanager webhook payload version "4", got a number'],
    [{ alerts: {} }, 'alerts: expected array'],
    [
      { alerts: [{ status: 'firing', labels: { a: 'b' }, startsAt: '2026-11-22T11:00:00Z' }] },
      'alerts.0.labels.alertname: missing',
    ],
    [
      { alerts: [{ status: 'pending', labels: { alertname: 'x' }, startsAt: '2026-11-22T11:00:00Z' }] },
      /alerts\.0\.status/,
    ],
    [
      { alerts: [{ status: 'firing', labels: { alertname: 'x' }, startsAt: 'now' }] },
      'alerts.0.startsAt: expected an RFC 3339 date-time',
    ],
    [
      { alerts: [{ status: 'firing', labels: { alertname: 'x', n: 1 }, startsAt: '2026-11-22T11:00:00Z' }] },
      'alerts.0.labels.n: expected string',
    ],
  ])('refuses %j, naming the field', (change, detail) => {
    const result = normaliseAlertmanagerWebhook({ ...payload, ...change });

    expect(result).toEqual({ invalid: typeof detail === 'string' ? detail : expect.stringMatching(detail) });
  });

  it('refuses a version-less body by naming the missing version', () => {
    const { version: _, ...noVersion } = payload;

    expect(normaliseAlertmanagerWebhook(noVersion)).toEqual({ invalid: 'version: missing' });
  });
});

describe('Grafana alerting webhooks', () => {
  const payload = sample('grafana.json');

  it('normalises the sample like an Alertmanager alert, ignoring values, title and message', () => {
    expect(alertsOf(normaliseGrafanaWebhook(payload))).toEqual([
      {
        source: 'grafana',
        name: 'fraud-prod p99 latency',
        state: 'firing',
        labels: payload.alerts[0].labels,
        model: 'fraud-detector',
        endpoint: 'fraud-prod',
        variant: 'AllTraffic',
        fingerprint: '3f9a0c6b27d18e45',
        reason: 'p99 latency of fraud-prod is 412 ms (threshold 250 ms)',
        at: '2026-11-22T10:55:10.000Z',
      },
    ]);
  });

  it('dates a resolved Grafana alert by its endsAt, not by Go’s zero time', () => {
    const resolved = { ...payload.alerts[0], status: 'resolved', endsAt: '2026-11-22T12:30:00+01:00' };

    const [alert] = alertsOf(normaliseGrafanaWebhook({ ...payload, status: 'resolved', alerts: [resolved] }));

    expect(alert).toMatchObject({ state: 'resolved', at: '2026-11-22T11:30:00.000Z' });
  });

  it('refuses an Alertmanager payload on the Grafana route by its version', () => {
    expect(normaliseGrafanaWebhook(sample('alertmanager.json'))).toEqual({
      invalid: 'version: Baton reads Grafana webhook payload version "1", got "4"',
    });
  });
});

describe('fingerprints too long for a whole delivery id', () => {
  it('digests a long AlarmArn, so firing and resolved keep distinct delivery ids', () => {
    const name = `fraud-prod-${'x'.repeat(200)}`;
    const long = {
      ...alarm,
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`,
    };
    const ok = { ...long, NewStateValue: 'OK', StateChangeTime: '2026-11-22T12:09:00.000+0000' };

    const firing = judgeAlarmMessage(JSON.stringify(long), { allowedTopics: [], now }).event!;
    const resolved = judgeAlarmMessage(JSON.stringify(ok), { allowedTopics: [], now }).event!;

    expect(firing.alert.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(resolved.alert.fingerprint).toBe(firing.alert.fingerprint);
    expect(firing.deliveryId).toMatch(/:firing:2026-11-22T11:59:12\.345Z$/);
    expect(resolved.deliveryId).toMatch(/:resolved:2026-11-22T12:09:00\.000Z$/);
  });
});
