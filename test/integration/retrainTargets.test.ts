/**
 * The three retraining targets, each against something that plays the receiving side: a webhook
 * receiver that verifies Baton's signature over the raw bytes, SQS queues on moto (region
 * ap-southeast-2, this file's own), and a stand-in for Databricks' jobs API that checks run-now
 * requests against the documented shape.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as z from 'zod/mini';
import { describeIssues } from '../../events/issues';
import { RetrainRejectedError } from '../../lib/adapters/retrain/errors';
import { verifyRetrainSignature } from '../../lib/adapters/retrain/httpRetrain';
import { type RetrainRequest, retrainRequestSchema } from '../../lib/domain/retrainPorts';
import { createRetrain } from '../../lib/wiring/createRetrain';
import { type TestSqs, testSqs } from '../support/awsCalls';
import { type Received, startReceiver } from '../support/receiver';

const region = 'ap-southeast-2';
const secret = 'retrain-webhook-secret';

const request: RetrainRequest = {
  model: 'fraud',
  version: '7',
  reason: 'alert p99-latency is firing',
  alert: { name: 'p99-latency', source: 'cloudwatch', fingerprint: 'fp-3f2a9c' },
  requestedAt: '2025-06-01T12:00:00.000Z',
  idempotencyKey: `fraud:p99-latency:${randomBytes(4).toString('hex')}`,
};

const header = (r: Received, name: string) => r.headers[name] as string | undefined;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('the HTTP target', () => {
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  let failuresLeft = 0;
  beforeAll(async () => {
    // A receiver as a team would write one: verify over the raw bytes first, then parse.
    hook = await startReceiver((r) => {
      const verdict = verifyRetrainSignature(
        secret,
        header(r, 'x-baton-timestamp'),
        r.raw,
        header(r, 'x-baton-signature'),
        nowSeconds(),
      );
      if (verdict.status !== 'valid') return { status: 401, body: JSON.stringify(verdict) };
      if (r.path === '/hooks/broken' && failuresLeft-- > 0) return { status: 503, body: 'busy' };
      if (r.path === '/hooks/gone') return { status: 410, body: JSON.stringify({ message: 'retired' }) };
      const parsed = retrainRequestSchema.safeParse(JSON.parse(r.body));
      if (!parsed.success) return { status: 400, body: describeIssues(parsed.error.issues) };
      return { status: 202, body: JSON.stringify({ accepted: true }) };
    });
  });
  afterAll(async () => {
    await hook?.close();
  });

  it('posts the request, signed over its exact bytes, with the idempotency key', async () => {
    hook.received.length = 0;
    const trigger = createRetrain(
      { kind: 'http', url: `${hook.url}/hooks/retrain?team=fraud` },
      { httpSecret: secret },
    );

    const receipt = await trigger.trigger(request);

    expect(receipt).toEqual({ target: 'http', id: '202' });
    expect(hook.received).toHaveLength(1);
    const [sent] = hook.received;
    expect(sent).toMatchObject({ method: 'POST', path: '/hooks/retrain?team=fraud' });
    expect(sent!.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': request.idempotencyKey,
    });
    // The documented scheme, computed here independently of the code under test.
    const timestamp = header(sent!, 'x-baton-timestamp')!;
    const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(sent!.raw).digest('hex');
    expect(header(sent!, 'x-baton-signature')).toBe(`v1=${expected}`);
    expect(Math.abs(Number(header(sent!, 'x-baton-timestamp')) - nowSeconds())).toBeLessThanOrEqual(5);
    expect(JSON.parse(sent!.body)).toEqual(request);
  });

  it('the receiver refuses a tampered body and a replay after five minutes', async () => {
    hook.received.length = 0;
    await createRetrain({ kind: 'http', url: `${hook.url}/hooks/retrain` }, { httpSecret: secret }).trigger(
      request,
    );
    const [sent] = hook.received;
    const headers = {
      'content-type': 'application/json',
      'x-baton-timestamp': header(sent!, 'x-baton-timestamp')!,
      'x-baton-signature': header(sent!, 'x-baton-signature')!,
    };

    const tampered = await fetch(`${hook.url}/hooks/retrain`, {
      method: 'POST',
      headers,
      body: sent!.body.replace('"fraud"', '"payments"'),
    });
    const replayed = verifyRetrainSignature(
      secret,
      headers['x-baton-timestamp'],
      sent!.raw,
      headers['x-baton-signature'],
      Number(headers['x-baton-timestamp']) + 301,
    );

    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toEqual({
      status: 'invalid',
      reason: 'X-Baton-Signature does not match the body',
    });
    expect(replayed).toEqual({ status: 'invalid', reason: 'X-Baton-Timestamp is more than 300 s from now' });
  });

  it('a request signed with another secret is refused, and the refusal is a RetrainRejectedError', async () => {
    const trigger = createRetrain(
      { kind: 'http', url: `${hook.url}/hooks/retrain` },
      { httpSecret: 'wrong' },
    );

    const error = await trigger.trigger(request).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(RetrainRejectedError);
    expect(error).toMatchObject({ target: 'http', status: 401, retryable: false });
  });

  it('retries a 503, signing each attempt afresh, and gives up on a 4xx at once', async () => {
    hook.received.length = 0;
    failuresLeft = 1;

    const receipt = await createRetrain(
      { kind: 'http', url: `${hook.url}/hooks/broken` },
      { httpSecret: secret },
    ).trigger(request);
    const retired = await createRetrain(
      { kind: 'http', url: `${hook.url}/hooks/gone` },
      { httpSecret: secret },
    )
      .trigger(request)
      .catch((err: unknown) => err);

    expect(receipt).toEqual({ target: 'http', id: '202' });
    expect(hook.received.map((r) => r.path)).toEqual(['/hooks/broken', '/hooks/broken', '/hooks/gone']);
    expect(new Set(hook.received.map((r) => header(r, 'idempotency-key')))).toEqual(
      new Set([request.idempotencyKey]),
    );
    expect(retired).toBeInstanceOf(RetrainRejectedError);
    expect(retired).toMatchObject({ status: 410, detail: 'retired' });
  });
});

describe('the SQS target', () => {
  let sqs: TestSqs;
  const receive = async (queueUrl: string) => {
    const out = await sqs.call<{
      Messages?: Array<{ MessageId: string; Body: string; Attributes?: Record<string, string> }>;
    }>('ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
    });
    return out.Messages ?? [];
  };
  const createQueue = async (name: string, attributes: Record<string, string> = {}) =>
    (await sqs.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name, Attributes: attributes }))
      .QueueUrl;

  beforeAll(() => {
    sqs = testSqs({
      region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      env: { AWS_ENDPOINT_URL_SQS: inject('motoUrl') },
    });
  });

  it('a FIFO queue gets the request grouped by model and deduplicated by idempotency key', async () => {
    const queueUrl = await createQueue(`retrain-${randomBytes(4).toString('hex')}.fifo`, {
      FifoQueue: 'true',
    });
    const trigger = createRetrain({ kind: 'sqs', queueUrl }, { sqsClient: sqs });

    const receipt = await trigger.trigger(request);
    await trigger.trigger(request); // the same alert delivered twice
    const messages = await receive(queueUrl);

    expect(messages).toHaveLength(1);
    expect(receipt).toEqual({ target: 'sqs', id: messages[0]!.MessageId });
    expect(retrainRequestSchema.parse(JSON.parse(messages[0]!.Body))).toEqual(request);
    expect(messages[0]!.Attributes).toMatchObject({
      MessageGroupId: 'fraud',
      MessageDeduplicationId: request.idempotencyKey,
    });
  });

  it('a standard queue gets the request as is', async () => {
    const queueUrl = await createQueue(`retrain-${randomBytes(4).toString('hex')}`);

    const receipt = await createRetrain({ kind: 'sqs', queueUrl }, { sqsClient: sqs }).trigger(request);
    const messages = await receive(queueUrl);

    expect(messages).toHaveLength(1);
    expect(receipt.id).toBe(messages[0]!.MessageId);
    expect(JSON.parse(messages[0]!.Body)).toEqual(request);
    expect(messages[0]!.Attributes?.MessageGroupId).toBeUndefined();
  });

  it('a queue that does not exist is a RetrainRejectedError', async () => {
    const queueUrl = (await createQueue(`retrain-${randomBytes(4).toString('hex')}`)).replace(
      /[^/]+$/,
      'nowhere',
    );

    const error = await createRetrain({ kind: 'sqs', queueUrl }, { sqsClient: sqs })
      .trigger(request)
      .catch((err: unknown) => err);

    expect(error).toBeInstanceOf(RetrainRejectedError);
    expect(error).toMatchObject({ target: 'sqs', retryable: false });
  });
});

describe('the Databricks job target', () => {
  const token = 'dapi-jobs-test';
  const runNow = z.strictObject({
    job_id: z.int().check(z.positive()),
    idempotency_token: z.string().check(z.minLength(1), z.maxLength(64)),
    job_parameters: z.record(z.string(), z.string()),
  });
  const violations: string[] = [];
  const runs = new Map<string, number>();
  let jobs: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    // Databricks' run-now as documented: bearer token, JSON body, one run per idempotency token.
    jobs = await startReceiver((r) => {
      if (r.method !== 'POST' || r.path !== '/api/2.1/jobs/run-now') violations.push(`${r.method} ${r.path}`);
      if (r.headers.authorization !== `Bearer ${token}`) violations.push('no bearer token');
      if (r.headers['content-type'] !== 'application/json') violations.push('content-type');
      const body = runNow.safeParse(JSON.parse(r.body));
      if (!body.success) {
        violations.push(describeIssues(body.error.issues));
        return {
          status: 400,
          body: JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: 'bad' }),
        };
      }
      if (body.data.job_id !== 455644833) {
        const message = `Job ${body.data.job_id} does not exist.`;
        return { status: 400, body: JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message }) };
      }
      const runId = runs.get(body.data.idempotency_token) ?? 732817 + runs.size;
      runs.set(body.data.idempotency_token, runId);
      return { status: 200, body: JSON.stringify({ run_id: runId, number_in_job: runId }) };
    });
  });
  afterAll(async () => {
    await jobs?.close();
  });
  const deps = () => ({ databricksHost: jobs.url, databricksToken: token });

  it('starts the job with string job parameters and the idempotency key as token, and returns the run id', async () => {
    const receipt = await createRetrain({ kind: 'databricks-job', jobId: '455644833' }, deps()).trigger(
      request,
    );

    expect(receipt).toEqual({ target: 'databricks-job', id: '732817' });
    expect(JSON.parse(jobs.received.at(-1)!.body)).toEqual({
      job_id: 455644833,
      idempotency_token: request.idempotencyKey,
      job_parameters: {
        model: 'fraud',
        version: '7',
        reason: 'alert p99-latency is firing',
        alert: JSON.stringify(request.alert),
      },
    });
    expect(violations).toEqual([]);
  });

  it('sends empty version and alert parameters when the request has none', async () => {
    const { version: _v, alert: _a, ...bare } = request;

    await createRetrain({ kind: 'databricks-job', jobId: 455644833 }, deps()).trigger({
      ...bare,
      idempotencyKey: 'fraud:manual:1',
    });

    expect(JSON.parse(jobs.received.at(-1)!.body).job_parameters).toEqual({
      model: 'fraud',
      version: '',
      reason: 'alert p99-latency is firing',
      alert: '',
    });
    expect(violations).toEqual([]);
  });

  it('a job that does not exist is a RetrainRejectedError with Databricks’ error code', async () => {
    const error = await createRetrain({ kind: 'databricks-job', jobId: 1 }, deps())
      .trigger(request)
      .catch((err: unknown) => err);

    expect(error).toBeInstanceOf(RetrainRejectedError);
    expect(error).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', detail: 'Job 1 does not exist.' });
  });
});
