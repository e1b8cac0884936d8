/**
 * Fuzzes the headers of POST /webhooks/mlflow, /webhooks/databricks and /slack/interactions:
 * none at all, hostile ones (CR/LF, 64 KB values, mixed-case duplicates), one signed part changed,
 * odd content types. Whatever arrives unsigned or altered gets a JSON 4xx and queues nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  callJsonRoute,
  type JsonRoute,
  post,
  RecordingQueue,
  signFor,
  validBody,
} from '../support/ingressHarness';
import {
  contentType,
  eventBody,
  hostileHeaders,
  modelName,
  randomBytes,
  runs,
  tampering,
} from './arbitraries';
import { expectJsonError } from './expectations';

const timeout = 300_000;
const route = fc.constantFrom<JsonRoute>('mlflow', 'databricks', 'slack');

/** Signs `body`, then changes one signed part; Databricks signs the body alone. */
function tampered(r: JsonRoute, body: string, t: { part: string; extra: string; atStart: boolean }) {
  const change = (value: string) => (t.atStart ? t.extra + value : value + t.extra);
  const headers: Record<string, string> = signFor(r, body);
  if (t.part === 'body') return { headers, body: change(body) };
  const name = Object.keys(headers).find((h) => h.endsWith(t.part)) ?? `x-${r}-signature`;
  return { headers: { ...headers, [name]: change(headers[name]!) }, body };
}

describe('ingress fuzz: hostile headers on the webhook and Slack routes', () => {
  it(
    'refuses unsigned requests with hostile headers with a JSON 4xx and queues nothing',
    async () => {
      const request = route.chain((r) =>
        fc.tuple(
          fc.constant(r),
          fc.oneof(eventBody(r), randomBytes.map(String)),
          hostileHeaders,
          fc.boolean(),
        ),
      );
      await fc.assert(
        fc.asyncProperty(request, async ([r, body, headers, base64]) => {
          const queue = new RecordingQueue();

          expectJsonError(await callJsonRoute(r, post(r, body, headers, base64), queue));
          expect(queue.queued).toEqual([]);
        }),
        runs(500),
      );
    },
    timeout,
  );

  it(
    'refuses a request with one signed part changed, whatever else its headers carry',
    async () => {
      const request = route.chain((r) =>
        fc.tuple(fc.constant(r), eventBody(r), tampering, hostileHeaders, fc.boolean(), fc.boolean()),
      );
      await fc.assert(
        fc.asyncProperty(request, async ([r, body, t, extra, base64, duplicate]) => {
          const queue = new RecordingQueue();
          const signed = tampered(r, body, t);
          // A mixed-case duplicate first: header lookup is case-insensitive and takes the first.
          const first = duplicate ? { [`X-${r.toUpperCase()}-SIGNATURE`]: 'v1,forged' } : {};
          const headers = { ...first, ...signed.headers, ...extra };

          expectJsonError(await callJsonRoute(r, post(r, signed.body, headers, base64), queue));
          expect(queue.queued).toEqual([]);
        }),
        runs(500),
      );
    },
    timeout,
  );

  it(
    'accepts a signed event only with its own media type; any other content type is a 415',
    async () => {
      await fc.assert(
        fc.asyncProperty(route, contentType, modelName, async (r, type, model) => {
          const queue = new RecordingQueue();
          const body = validBody(r, model, '7');
          const { 'content-type': _, ...signed } = signFor(r, body);
          const headers = type === undefined ? signed : { ...signed, 'content-type': type };

          const response = await callJsonRoute(r, post(r, body, headers), queue);

          const mediaType = r === 'slack' ? 'application/x-www-form-urlencoded' : 'application/json';
          if (type?.split(';')[0]?.trim().toLowerCase() === mediaType) {
            expect(response.statusCode).toBe(r === 'slack' ? 200 : 202);
            expect(queue.queued).toHaveLength(1);
          } else {
            expectJsonError(response);
            expect(response.statusCode).toBe(415);
            expect(queue.queued).toEqual([]);
          }
        }),
        runs(300),
      );
    },
    timeout,
  );
});
