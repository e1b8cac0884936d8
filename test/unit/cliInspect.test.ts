import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';
import { captureOutput } from '../support/captureOutput';
import { slackHeaders } from '../support/signing';

const sample = 'events/samples/mlflow-model-version-created.json';
const signed = [
  '--header',
  'X-MLflow-Signature: v1,Jy6J95MxyWw1oYdjDaGg39sTn8ZwRKj4RJtuBKO4Slg=',
  '--header',
  'X-MLflow-Delivery-Id: 6f1c2c3e-0d4b-4a55-9f43-1f0a2b3c4d5e',
  '--header',
  'X-MLflow-Timestamp: 1795366000',
];

const capture = captureOutput;
afterEach(() => vi.restoreAllMocks());

describe('baton inspect', () => {
  it('prints the normalised event and exits 0 for a request the ingress would accept', async () => {
    const output = capture();

    const code = await main([
      'inspect',
      '--source',
      'mlflow',
      sample,
      '--secret',
      'whsec_baton_test',
      ...signed,
      '--at',
      '1795366005',
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(output())).toMatchObject({
      signature: 'valid',
      event: { kind: 'model_version.created', model: 'fraud-detector', version: '3' },
      error: null,
    });
  });

  it('uses --at as the clock, so a recorded request judged later is stale', async () => {
    const output = capture();

    const code = await main([
      'inspect',
      '--source',
      'mlflow',
      sample,
      '--secret',
      'whsec_baton_test',
      ...signed,
      '--at',
      '1795367000',
    ]);

    expect(code).toBe(2);
    expect(JSON.parse(output())).toEqual({
      signature: 'invalid',
      event: null,
      error: '401 invalid_signature: X-MLflow-Timestamp is more than 300 s from now',
    });
  });

  it('reports an absent signature', async () => {
    const output = capture();

    const code = await main(['inspect', '--source', 'mlflow', sample]);

    expect(code).toBe(2);
    expect(JSON.parse(output())).toMatchObject({ signature: 'absent', event: null });
  });

  it('refuses an unknown source with a usage error', async () => {
    const output = capture();

    const code = await main(['inspect', '--source', 'kafka', sample]);

    expect(code).toBe(2);
    expect(output()).toContain('--source must be one of mlflow, databricks, slack');
  });
});

describe('baton inspect --source slack', () => {
  it('decodes a signed Approve click from its raw form body', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const payload = {
      type: 'block_actions',
      user: { id: 'U024BE7LH' },
      trigger_id: 't1',
      actions: [
        {
          action_id: 'baton.approve',
          value: JSON.stringify({ model: 'fraud', version: '7', decision: 'approve' }),
        },
      ],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const file = join(mkdtempSync(join(tmpdir(), 'baton-inspect-')), 'click.txt');
    writeFileSync(file, body);
    const signature = slackHeaders('signing', body, new Date(1795366000_000))['x-slack-signature'];
    const output = capture();

    const code = await main([
      'inspect',
      '--source',
      'slack',
      file,
      '--secret',
      'signing',
      '--header',
      `X-Slack-Signature: ${signature}`,
      '--header',
      'X-Slack-Request-Timestamp: 1795366000',
      '--at',
      '1795366001',
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(output())).toMatchObject({
      signature: 'valid',
      event: {
        type: 'decision',
        model: 'fraud',
        version: '7',
        decision: 'approve',
        actor: 'U024BE7LH',
        via: 'slack',
      },
      error: null,
    });
  });
});

describe('baton inspect, alert sources', () => {
  const alertsTopic = 'arn:aws:sns:eu-west-1:123456789012:baton-prod-alerts';

  it('shows the unrouted event of a CloudWatch alarm message, as raw delivery hands it over', async () => {
    const output = capture();

    const code = await main(['inspect', '--source', 'cloudwatch', 'events/samples/cloudwatch-alarm.json']);

    expect(code).toBe(0);
    expect(JSON.parse(output())).toMatchObject({
      signature: 'absent',
      events: [
        {
          type: 'alert',
          model: 'baton.alerts',
          alert: { source: 'cloudwatch', name: 'fraud-prod-5xx', state: 'firing', endpoint: 'fraud-prod' },
        },
      ],
      error: null,
    });
  });

  it('accepts an SNS envelope from an --allow-topic', async () => {
    const output = capture();

    const code = await main([
      'inspect',
      '--source',
      'sns',
      'events/samples/sns-cloudwatch-alarm.json',
      '--allow-topic',
      'arn:aws:sns:eu-west-1:123456789012:other',
      '--allow-topic',
      alertsTopic,
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(output())).toMatchObject({
      signature: 'valid',
      events: [{ alert: { name: 'fraud-prod-5xx' } }],
    });
  });

  it('reports an SNS envelope from a topic not allowed as dropped, and exits 2', async () => {
    const output = capture();

    const code = await main(['inspect', '--source', 'sns', 'events/samples/sns-cloudwatch-alarm.json']);

    expect(code).toBe(2);
    expect(JSON.parse(output())).toEqual({
      signature: 'invalid',
      events: [],
      error: `topic_not_allowed: TopicArn ${alertsTopic} is not one of the allowed alarm topics`,
    });
  });

  it('judges an Alertmanager payload with its bearer token, one event per alert', async () => {
    const output = capture();

    const code = await main([
      'inspect',
      '--source',
      'alertmanager',
      'events/samples/alertmanager.json',
      '--token',
      'am-token',
      '--header',
      'Authorization: Bearer am-token',
    ]);

    expect(code).toBe(0);
    const result = JSON.parse(output());
    expect(result).toMatchObject({ signature: 'valid', error: null });
    expect(result.events.map((e: any) => e.alert.name)).toEqual(['HighErrorRate', 'FeatureDrift']);
  });

  it('reports an Alertmanager payload without a token as the ingress would answer it', async () => {
    const output = capture();

    const code = await main(['inspect', '--source', 'alertmanager', 'events/samples/alertmanager.json']);

    expect(code).toBe(2);
    expect(JSON.parse(output())).toEqual({
      signature: 'absent',
      events: [],
      error: '401 absent_token: Authorization header is missing',
    });
  });

  it('checks a Grafana HMAC signature when given --secret', async () => {
    const { createHmac } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    const body = readFileSync('events/samples/grafana.json');
    const signature = createHmac('sha256', 'grafana-secret').update('1795366000:').update(body).digest('hex');
    const output = capture();

    const code = await main([
      'inspect',
      '--source',
      'grafana',
      'events/samples/grafana.json',
      '--secret',
      'grafana-secret',
      '--header',
      `X-Grafana-Alerting-Signature: ${signature}`,
      '--header',
      'X-Grafana-Alerting-Timestamp: 1795366000',
      '--at',
      '1795366010',
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(output())).toMatchObject({
      signature: 'valid',
      events: [{ alert: { source: 'grafana', model: 'fraud-detector', variant: 'AllTraffic' } }],
      error: null,
    });
  });
});
