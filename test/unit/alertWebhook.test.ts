import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { PromotionEvent } from '../../events/promotionEvent';
import { type AlertWebhookDeps, alertWebhook } from '../../functions/alertWebhook';
import { EnqueueError } from '../../lib/adapters/queue/errors';
import { errorResponse } from '../../lib/app/http/httpErrorResponses';
import { alertRouteOf } from '../../lib/app/ingress/alertIngress';

const token = 'alert-token-new';
const oldToken = 'alert-token-old';
const grafanaSecret = 'grafana-hmac-secret';
const now = new Date('2026-11-22T12:00:00Z');
const nowSeconds = String(now.getTime() / 1000);

const alertmanagerBody = readFileSync('events/samples/alertmanager.json', 'utf8');
const grafanaBody = readFileSync('events/samples/grafana.json', 'utf8');

const bearer = (value: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${value}` });
const grafanaSigned = (body: string, secret = grafanaSecret, timestamp?: string) => ({
  'content-type': 'application/json',
  'x-grafana-alerting-signature': createHmac('sha256', secret)
    .update(timestamp === undefined ? '' : `${timestamp}:`)
    .update(body)
    .digest('hex'),
  ...(timestamp !== undefined && { 'x-grafana-alerting-timestamp': timestamp }),
});

function setup(
  options: { queueDown?: boolean; failAfter?: number; grafanaSecret?: boolean; tokens?: string[] } = {},
) {
  const queued: PromotionEvent[] = [];
  let attempts = 0;
  const values: Record<string, string[]> = {
    'token-param': options.tokens ?? [token, oldToken],
    'grafana-param': options.grafanaSecret ? [grafanaSecret] : [],
  };
  const deps: AlertWebhookDeps = {
    queue: {
      async enqueue(event) {
        attempts++;
        if (options.queueDown || (options.failAfter !== undefined && attempts > options.failAfter))
          throw new EnqueueError(new Error('connect ECONNREFUSED'));
        queued.push(event);
      },
    },
    secrets: { values: async (name) => values[name] ?? [] },
    secretNames: { token: 'token-param', grafana: 'grafana-param' },
    now: () => now,
  };
  // The handler's errors go through the same mapping the middy middleware uses.
  const post = async (path: string, body: string, headers: Record<string, string>, base64 = false) => {
    const event = {
      rawPath: path,
      headers,
      body: base64 ? Buffer.from(body).toString('base64') : body,
      isBase64Encoded: base64,
    } as unknown as APIGatewayProxyEventV2;
    try {
      return await alertWebhook(event, deps);
    } catch (error) {
      return errorResponse(error);
    }
  };
  return { queued, post };
}

const json = (response: { body?: string }) => JSON.parse(response.body!);

describe('POST /alerts/alertmanager', () => {
  it('queues one unrouted alert event per alert and answers 202 with the count', async () => {
    const { queued, post } = setup();

    const response = await post('/alerts/alertmanager', alertmanagerBody, bearer(token));

    expect(response.statusCode).toBe(202);
    expect(json(response)).toEqual({ queued: 2 });
    expect(queued).toEqual([
      expect.objectContaining({
        type: 'alert',
        model: 'baton.alerts',
        alert: expect.objectContaining({
          source: 'alertmanager',
          name: 'HighErrorRate',
          model: 'fraud-detector',
        }),
        deliveryId: 'alertmanager:7c1a5f2e9b3d4a60:firing:2026-11-22T11:52:03.871Z',
        receivedAt: now.toISOString(),
      }),
      expect.objectContaining({ alert: expect.objectContaining({ name: 'FeatureDrift' }) }),
    ]);
  });

  it('accepts the previous token while it is rotated out, and a base64-encoded body', async () => {
    const { queued, post } = setup();

    const response = await post('/alerts/alertmanager', alertmanagerBody, bearer(oldToken), true);

    expect(response.statusCode).toBe(202);
    expect(queued).toHaveLength(2);
  });

  it('answers 202 with nothing queued for a group without alerts', async () => {
    const { queued, post } = setup();

    const response = await post('/alerts/alertmanager', '{"version":"4","alerts":[]}', bearer(token));

    expect([response.statusCode, json(response)]).toEqual([202, { queued: 0 }]);
    expect(queued).toEqual([]);
  });

  it.each([
    [
      'no Authorization header',
      alertmanagerBody,
      { 'content-type': 'application/json' },
      401,
      'absent_token',
      /Authorization header is missing/,
    ],
    ['a wrong token', alertmanagerBody, bearer('guess'), 401, 'invalid_token', /not one of the configured/],
    [
      'a token that is a prefix of the real one',
      alertmanagerBody,
      bearer(token.slice(0, -1)),
      401,
      'invalid_token',
      /not one of/,
    ],
    [
      'Basic credentials',
      alertmanagerBody,
      { 'content-type': 'application/json', authorization: `Basic ${token}` },
      401,
      'invalid_token',
      /Bearer <token>/,
    ],
    ['malformed JSON', '{"version":"4","alerts":[', bearer(token), 400, 'malformed_json', /not valid JSON/],
    [
      'payload version 3',
      alertmanagerBody.replace('"version": "4"', '"version": "3"'),
      bearer(token),
      400,
      'invalid_payload',
      /version: .*"4", got "3"/,
    ],
    [
      'an alert without alertname',
      '{"version":"4","alerts":[{"status":"firing","labels":{},"startsAt":"2026-11-22T11:00:00Z"}]}',
      bearer(token),
      400,
      'invalid_payload',
      /alerts\.0\.labels\.alertname: missing/,
    ],
    [
      'a form body',
      alertmanagerBody,
      { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'unsupported_media_type',
      /application\/json/,
    ],
    [
      'a body over 256 KB',
      `{"pad":"${'x'.repeat(256 * 1024)}"}`,
      bearer(token),
      413,
      'payload_too_large',
      /limit is 262144/,
    ],
  ])('rejects %s with a JSON error and queues nothing', async (_, body, headers, status, code, detail) => {
    const { queued, post } = setup();

    const response = await post('/alerts/alertmanager', body, headers as Record<string, string>);

    expect(response.statusCode).toBe(status);
    expect(response.headers?.['content-type']).toBe('application/json');
    expect(json(response).error).toBe(code);
    expect(json(response).detail).toMatch(detail);
    expect(queued).toEqual([]);
  });

  it('refuses every token while none is configured', async () => {
    const { queued, post } = setup({ tokens: [] });

    const response = await post('/alerts/alertmanager', alertmanagerBody, bearer(token));

    expect(response.statusCode).toBe(401);
    expect(json(response).error).toBe('invalid_token');
    expect(queued).toEqual([]);
  });

  it('answers 503 when the queue is unavailable, so Alertmanager retries', async () => {
    const { post } = setup({ queueDown: true });

    const response = await post('/alerts/alertmanager', alertmanagerBody, bearer(token));

    expect(response.statusCode).toBe(503);
    expect(json(response)).toEqual({
      error: 'queue_unavailable',
      detail: 'the event could not be queued; retry later',
    });
  });

  it('answers 503 when only some alerts of the group could be queued: the sender retries them all', async () => {
    const { queued, post } = setup({ failAfter: 1 });

    const response = await post('/alerts/alertmanager', alertmanagerBody, bearer(token));

    expect(response.statusCode).toBe(503);
    expect(queued).toHaveLength(1);
  });
});

describe('POST /alerts/grafana', () => {
  it('accepts the bearer token while no HMAC secret is configured', async () => {
    const { queued, post } = setup();

    const response = await post('/alerts/grafana', grafanaBody, bearer(token));

    expect([response.statusCode, json(response)]).toEqual([202, { queued: 1 }]);
    expect(queued[0]).toMatchObject({ alert: { source: 'grafana', name: 'fraud-prod p99 latency' } });
  });

  it('accepts an HMAC signature of the body once the secret is configured', async () => {
    const { queued, post } = setup({ grafanaSecret: true });

    const response = await post('/alerts/grafana', grafanaBody, grafanaSigned(grafanaBody));

    expect(response.statusCode).toBe(202);
    expect(queued).toHaveLength(1);
  });

  it('accepts a signature over "<timestamp>:<body>" with a fresh timestamp', async () => {
    const { queued, post } = setup({ grafanaSecret: true });

    const response = await post(
      '/alerts/grafana',
      grafanaBody,
      grafanaSigned(grafanaBody, grafanaSecret, nowSeconds),
    );

    expect(response.statusCode).toBe(202);
    expect(queued).toHaveLength(1);
  });

  const stale = String(Number(nowSeconds) - 301);
  it.each([
    [
      'the bearer token alone',
      () => bearer(token),
      'absent_signature',
      /X-Grafana-Alerting-Signature header is missing/,
    ],
    [
      'a signature with another secret',
      () => grafanaSigned(grafanaBody, 'other'),
      'invalid_signature',
      /does not match/,
    ],
    [
      'a signature of another body',
      () => grafanaSigned(`${grafanaBody} `),
      'invalid_signature',
      /does not match/,
    ],
    [
      'a signature that is not hex',
      () => ({ ...grafanaSigned(grafanaBody), 'x-grafana-alerting-signature': 'sha256=abc' }),
      'invalid_signature',
      /not a hex/,
    ],
    [
      'a stale timestamp',
      () => grafanaSigned(grafanaBody, grafanaSecret, stale),
      'invalid_signature',
      /more than 300 s/,
    ],
    [
      'a timestamp added to a body-only signature',
      () => ({ ...grafanaSigned(grafanaBody), 'x-grafana-alerting-timestamp': nowSeconds }),
      'invalid_signature',
      /does not match/,
    ],
  ])('with an HMAC secret configured, refuses %s with 401', async (_, headers, code, detail) => {
    const { queued, post } = setup({ grafanaSecret: true });

    const response = await post('/alerts/grafana', grafanaBody, headers());

    expect(response.statusCode).toBe(401);
    expect(json(response)).toEqual({ error: code, detail: expect.stringMatching(detail) });
    expect(queued).toEqual([]);
  });

  it('refuses an Alertmanager payload on the Grafana route with 400', async () => {
    const { post } = setup();

    const response = await post('/alerts/grafana', alertmanagerBody, bearer(token));

    expect(response.statusCode).toBe(400);
    expect(json(response).detail).toBe('version: Baton reads Grafana webhook payload version "1", got "4"');
  });

  it('does not let a Grafana signature stand in for the token on the Alertmanager route', async () => {
    const { queued, post } = setup({ grafanaSecret: true });

    const response = await post('/alerts/alertmanager', alertmanagerBody, grafanaSigned(alertmanagerBody));

    expect(response.statusCode).toBe(401);
    expect(queued).toEqual([]);
  });
});

describe('the alert sources', () => {
  it.each([
    ['/alerts/alertmanager', 'alertmanager'],
    ['/alerts/grafana', 'grafana'],
    ['/alerts/grafana/', 'grafana'],
    ['/alerts/datadog', undefined],
    ['/alerts/constructor', undefined],
  ])('takes the source of %s from the table: %s', (path, route) => {
    expect(alertRouteOf(path)).toBe(route);
  });

  it('answers 404 naming the path for a source the table does not have, and queues nothing', async () => {
    const { queued, post } = setup();

    const response = await post('/alerts/datadog', alertmanagerBody, bearer(token));

    expect(response.statusCode).toBe(404);
    expect(json(response)).toMatchObject({
      error: 'unknown_alert_source',
      detail: 'no alert source at /alerts/datadog',
    });
    expect(queued).toEqual([]);
  });
});
