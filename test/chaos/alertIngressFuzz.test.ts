/**
 * Fuzzes POST /alerts/alertmanager and /alerts/grafana in-process with a recording queue: hostile
 * JSON sent with valid credentials (bearer token, or Grafana's HMAC signature), random bytes,
 * 10 MB bodies, hostile headers, forged tokens and tampered signatures. For every input: no 5xx
 * but the queue's 503 (exactly when a working queue would have queued something), a JSON
 * `{error, detail}` for every 4xx, nothing queued for what is unauthenticated or invalid, and only
 * events the worker can read, one per alert of the body, each named by that alert's `alertname`.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertWebhook } from '../../functions/alertWebhook';
import type { SecretStore } from '../../lib/adapters/secrets/secretStore';
import type { HttpResult } from '../../lib/app/http/apiGateway';
import { errorResponse } from '../../lib/app/http/httpErrorResponses';
import { httpEvent, now, nowSeconds, RecordingQueue, readableByWorker } from '../support/ingressHarness';
import {
  contentType,
  hostileHeaders,
  hostileJsonText,
  maybe,
  modelName,
  odd,
  oddText,
  randomBytes,
  runs,
} from './arbitraries';
import { expectJsonError } from './expectations';

const timeout = 300_000;
const token = 'chaos-alert-token';
const grafanaSecret = 'chaos-grafana-hmac-secret';

type AlertRoute = 'alertmanager' | 'grafana';
/** The Grafana route with and without its HMAC secret configured. */
type Mode = 'alertmanager' | 'grafana-token' | 'grafana-hmac';
const mode = fc.constantFrom<Mode>('alertmanager', 'grafana-token', 'grafana-hmac');
const routeOf = (m: Mode): AlertRoute => (m === 'alertmanager' ? 'alertmanager' : 'grafana');

function secretsFor(m: Mode): SecretStore {
  return {
    values: async (name) =>
      name === 'token' ? [token] : name === 'grafana' && m === 'grafana-hmac' ? [grafanaSecret] : [],
  };
}

/** The headers the sender configured for this route would send with `body`. */
function credentialsFor(m: Mode, body: string | Buffer, timestamped = false): Record<string, string> {
  if (m !== 'grafana-hmac') return { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const timestamp = String(nowSeconds);
  const signature = createHmac('sha256', grafanaSecret)
    .update(timestamped ? `${timestamp}:` : '')
    .update(body)
    .digest('hex');
  return {
    'content-type': 'application/json',
    'x-grafana-alerting-signature': signature,
    ...(timestamped && { 'x-grafana-alerting-timestamp': timestamp }),
  };
}

async function call(
  m: Mode,
  body: string | Buffer,
  headers: Record<string, string>,
  queue: RecordingQueue,
  base64 = false,
) {
  const path = `/alerts/${routeOf(m)}`;
  const text = base64 ? Buffer.from(body).toString('base64') : body.toString();
  const event = httpEvent({ method: 'POST', path, headers, body: text, isBase64Encoded: base64 });
  try {
    return await alertWebhook(event, {
      queue,
      secrets: secretsFor(m),
      secretNames: { token: 'token', grafana: 'grafana' },
      now: () => now,
    });
  } catch (error) {
    return errorResponse(error);
  }
}

/** Nearly always the good value: an alert group is refused whole, so each field must rarely spoil it. */
const rarely = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 30, arbitrary: good }, { weight: 1, arbitrary: odd });

const fingerprintValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 }),
  oddText,
  fc.integer({ min: 201, max: 5000 }).map((n) => 'f'.repeat(n)),
);
const timeValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('2026-11-22T11:52:03.871Z', '2021-10-12T09:51:03.157076+02:00') },
  fc.constantFrom('2026-11-22T11:58:03.123456789Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'),
  fc.constantFrom('yesterday', '2026-11-22', '+275760-09-13T00:00:00Z', '2026-13-45T99:99:99Z'),
);
const labelName = fc.oneof(
  fc.constantFrom(
    'model',
    'registered_model',
    'endpoint',
    'endpoint_name',
    'variant',
    'severity',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 12 }),
);
const labels = fc
  .tuple(
    fc.oneof(
      { weight: 20, arbitrary: fc.record({ alertname: modelName }) },
      fc.record({ alertname: maybe(oddText) }, { requiredKeys: [] }),
    ),
    fc.dictionary(labelName, rarely(fc.oneof(modelName, oddText)), { maxKeys: 5 }),
  )
  .map(([named, rest]) => ({ ...rest, ...named }));

const webhookAlert = fc.record(
  {
    status: rarely(fc.constantFrom('firing', 'resolved')),
    labels: rarely(labels),
    annotations: rarely(fc.record({ summary: fc.string(), description: oddText }, { requiredKeys: [] })),
    startsAt: rarely(timeValue),
    endsAt: rarely(timeValue),
    generatorURL: rarely(fc.constant('http://prometheus:9090/graph')),
    fingerprint: rarely(fingerprintValue),
    values: rarely(fc.dictionary(fc.string({ maxLength: 3 }), fc.double())),
  },
  { requiredKeys: ['status', 'labels', 'startsAt'] },
);

const alertPayload = (r: AlertRoute) =>
  fc.record(
    {
      version: fc.oneof(
        { weight: 20, arbitrary: fc.constant(r === 'alertmanager' ? '4' : '1') },
        fc.constantFrom('1', '3', '4'),
        odd,
      ),
      status: rarely(fc.constantFrom('firing', 'resolved')),
      receiver: rarely(fc.constant('baton')),
      groupKey: rarely(fc.constant('{}:{alertname="x"}')),
      orgId: rarely(fc.constant(1)),
      commonLabels: rarely(
        fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
      ),
      alerts: maybe(fc.array(webhookAlert, { maxLength: 5 })),
    },
    { requiredKeys: ['version', 'alerts'] },
  );

const alertBody = (m: Mode) => hostileJsonText(alertPayload(routeOf(m)));

/** The alertnames of the body's alerts, read as JSON.parse reads them (the last duplicate wins). */
function alertnamesIn(body: string): unknown[] {
  return (JSON.parse(body).alerts as Array<{ labels: Record<string, unknown> }>).map(
    (a) => a.labels.alertname,
  );
}

function expectAcceptedOrJsonError(response: HttpResult, allowed: number[]) {
  expect(allowed).toContain(response.statusCode);
  if (response.statusCode !== 202) expectJsonError(response);
}

describe('alert ingress fuzz: hostile bodies and headers on /alerts/alertmanager and /alerts/grafana', () => {
  it(
    'answers authenticated hostile JSON with 202 or a JSON 4xx, and queues exactly the valid alerts',
    async () => {
      const request = mode.chain((m) => fc.tuple(fc.constant(m), alertBody(m), fc.boolean(), fc.boolean()));
      await fc.assert(
        fc.asyncProperty(request, async ([m, body, base64, timestamped]) => {
          const queue = new RecordingQueue();

          const response = await call(m, body, credentialsFor(m, body, timestamped), queue, base64);

          expectAcceptedOrJsonError(response, [202, 400, 413]);
          if (response.statusCode !== 202) {
            expect(queue.queued).toEqual([]);
            return;
          }
          expect(JSON.parse(response.body!)).toEqual({ queued: queue.queued.length });
          for (const event of queue.queued) {
            expect(readableByWorker(event)).toBe(true);
            expect(event).toMatchObject({ type: 'alert', model: 'baton.alerts' });
          }
          expect(queue.queued.map((e) => e.type === 'alert' && e.alert.name)).toEqual(alertnamesIn(body));
        }),
        runs(1000),
      );
    },
    timeout,
  );

  it(
    'refuses hostile bodies and headers without valid credentials with a JSON 4xx, queuing nothing',
    async () => {
      const request = mode.chain((m) =>
        fc.tuple(
          fc.constant(m),
          fc.oneof(alertBody(m), randomBytes.map(String)),
          hostileHeaders,
          contentType,
          fc.constantFrom(
            undefined,
            '',
            'Bearer',
            `Bearer ${token}x`,
            `bearer  ${token.toUpperCase()}`,
            `Basic ${token}`,
            `Bearer ${token}\r\nX-Injected: 1`,
            `Bearer ${token.slice(1)}`,
          ),
          fc.boolean(),
        ),
      );
      await fc.assert(
        fc.asyncProperty(request, async ([m, body, headers, type, authorization, base64]) => {
          const queue = new RecordingQueue();
          const sent: Record<string, string> = { ...headers };
          if (type !== undefined) sent['content-type'] = type;
          if (authorization !== undefined) sent.authorization = authorization;
          // The hostile dictionary may bring its own Authorization or signature; never a valid one.
          delete sent['x-grafana-alerting-signature'];

          const response = await call(m, body, sent, queue, base64);

          expectJsonError(response);
          expect([400, 401, 413, 415]).toContain(response.statusCode);
          expect(queue.queued).toEqual([]);
        }),
        runs(800),
      );
    },
    timeout,
  );

  it(
    'refuses a Grafana request whose signed body, signature or timestamp was changed',
    async () => {
      const change = fc.record({
        part: fc.constantFrom('body', 'signature', 'timestamp'),
        extra: fc.constantFrom('\r\n', ' ', '\u0000', 'A', '0', '1'),
        atStart: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(alertBody('grafana-hmac'), change, fc.boolean(), async (body, t, withToken) => {
          const queue = new RecordingQueue();
          const headers = credentialsFor('grafana-hmac', body, true);
          const apply = (value: string) => (t.atStart ? t.extra + value : value + t.extra);
          const sent =
            t.part === 'body'
              ? { body: apply(body), headers }
              : {
                  body,
                  headers: {
                    ...headers,
                    [`x-grafana-alerting-${t.part}`]: apply(headers[`x-grafana-alerting-${t.part}`]!),
                  },
                };
          // A valid bearer token is no substitute for the signature once the secret is configured.
          if (withToken) Object.assign(sent.headers, { authorization: `Bearer ${token}` });

          const response = await call('grafana-hmac', sent.body, sent.headers, queue);

          expectJsonError(response);
          expect([401, 413]).toContain(response.statusCode);
          expect(queue.queued).toEqual([]);
        }),
        runs(500),
      );
    },
    timeout,
  );

  it(
    'refuses random bytes and 10 MB bodies, authenticated or not, with a JSON 4xx',
    async () => {
      const body = fc.oneof(
        randomBytes,
        fc
          .integer({ min: 10 * 1024 * 1024, max: 10 * 1024 * 1024 + 4096 })
          .map((n) => Buffer.from(`{"pad":"${'x'.repeat(n)}"}`)),
      );
      await fc.assert(
        fc.asyncProperty(mode, body, fc.boolean(), fc.boolean(), async (m, bytes, signed, base64) => {
          const queue = new RecordingQueue();
          const payload = base64 ? bytes : bytes.toString('utf8');
          const headers = signed ? credentialsFor(m, payload) : { 'content-type': 'application/json' };

          const response = await call(m, payload, headers, queue, base64);

          expectJsonError(response);
          if (bytes.length > 256 * 1024) expect(response.statusCode).toBe(413);
          expect(queue.queued).toEqual([]);
        }),
        runs(200),
      );
    },
    timeout,
  );

  it(
    'answers 503 queue_unavailable exactly when a working queue would have queued an alert',
    async () => {
      const request = mode.chain((m) => fc.tuple(fc.constant(m), alertBody(m), odd));
      await fc.assert(
        fc.asyncProperty(request, async ([m, body]) => {
          const up = new RecordingQueue();
          const healthy = await call(m, body, credentialsFor(m, body), up);

          const outage = await call(m, body, credentialsFor(m, body), new RecordingQueue(true));

          if (up.queued.length === 0) expect(outage).toEqual(healthy);
          else {
            expect(outage.statusCode).toBe(503);
            expect(JSON.parse(outage.body!)).toEqual({
              error: 'queue_unavailable',
              detail: 'the event could not be queued; retry later',
            });
          }
        }),
        runs(300),
      );
    },
    timeout,
  );
});
