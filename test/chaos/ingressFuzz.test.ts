/**
 * Fuzzes the bodies of POST /webhooks/mlflow, /webhooks/databricks and /slack/interactions,
 * in-process with a recording queue: hostile JSON signed correctly, random bytes, 10 MB. For every
 * input: no 5xx but the queue's 503, a JSON `{error, detail}` for every 4xx, and nothing queued
 * that the worker could not read or that names another model than the signed body.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  callJsonRoute,
  type JsonRoute,
  post,
  RecordingQueue,
  readableByWorker,
  signFor,
  validBody,
} from '../support/ingressHarness';
import { eventBody, modelName, randomBytes, runs } from './arbitraries';
import { expectJsonError } from './expectations';

const timeout = 300_000;
const route = fc.constantFrom<JsonRoute>('mlflow', 'databricks', 'slack');
const accepted = (r: JsonRoute) => (r === 'slack' ? 200 : 202);

/** The model the signed body names, read the way JSON.parse reads it (the last duplicate wins). */
function modelNamedIn(r: JsonRoute, body: string): unknown {
  if (r === 'mlflow') return JSON.parse(body).data.name;
  if (r === 'databricks') return JSON.parse(body).model_name;
  const payload = JSON.parse(new URLSearchParams(body).get('payload')!);
  return JSON.parse(payload.actions[0].value).model;
}

describe('ingress fuzz: hostile bodies on the webhook and Slack routes', () => {
  it(
    'answers correctly signed hostile JSON with 2xx or a JSON 4xx, and queues only valid events',
    async () => {
      const request = route.chain((r) =>
        fc.tuple(fc.constant(r), eventBody(r), fc.boolean(), fc.string({ minLength: 1, maxLength: 300 })),
      );
      await fc.assert(
        fc.asyncProperty(request, async ([r, body, base64, deliveryId]) => {
          const queue = new RecordingQueue();

          const response = await callJsonRoute(r, post(r, body, signFor(r, body, deliveryId), base64), queue);

          expect([accepted(r), 400, 413]).toContain(response.statusCode);
          if (response.statusCode !== accepted(r)) expectJsonError(response);
          if (response.statusCode !== accepted(r) || 'ignored' in JSON.parse(response.body!))
            expect(queue.queued).toEqual([]);
          expect(queue.queued.length).toBeLessThanOrEqual(1);
          for (const event of queue.queued) {
            expect(readableByWorker(event)).toBe(true);
            expect(event.model).toBe(modelNamedIn(r, body));
          }
        }),
        runs(1000),
      );
    },
    timeout,
  );

  it(
    'refuses random bytes, signed or not, plain or base64, with a JSON 4xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(route, randomBytes, fc.boolean(), fc.boolean(), async (r, bytes, signed, base64) => {
          const queue = new RecordingQueue();
          const body = base64 ? bytes : bytes.toString('utf8');
          const headers = signed ? signFor(r, body) : { 'content-type': 'application/json' };

          expectJsonError(await callJsonRoute(r, post(r, body, headers, base64), queue));
          expect(queue.queued).toEqual([]);
        }),
        runs(500),
      );
    },
    timeout,
  );

  it(
    'refuses 10 MB bodies with 413, signed or not',
    async () => {
      const size = fc.integer({ min: 10 * 1024 * 1024, max: 10 * 1024 * 1024 + 4096 });
      await fc.assert(
        fc.asyncProperty(route, size, fc.boolean(), fc.boolean(), async (r, bytes, signed, base64) => {
          const queue = new RecordingQueue();
          const body = `{"pad":"${'x'.repeat(bytes)}"}`;
          const headers = signed ? signFor(r, body) : { 'content-type': 'application/json' };

          const response = await callJsonRoute(r, post(r, body, headers, base64), queue);

          expectJsonError(response);
          expect(response.statusCode).toBe(413);
          expect(queue.queued).toEqual([]);
        }),
        runs(30),
      );
    },
    timeout,
  );

  it(
    'answers 503 queue_unavailable exactly when a working queue would have queued the request',
    async () => {
      const request = route.chain((r) =>
        fc.tuple(
          fc.constant(r),
          fc.oneof(
            eventBody(r),
            modelName.map((m) => validBody(r, m, '3')),
          ),
        ),
      );
      await fc.assert(
        fc.asyncProperty(request, async ([r, body]) => {
          const up = new RecordingQueue();
          const healthy = await callJsonRoute(r, post(r, body, signFor(r, body)), up);

          const outage = await callJsonRoute(r, post(r, body, signFor(r, body)), new RecordingQueue(true));

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
