/**
 * The small AWS JSON-protocol client against a stubbed fetch: the request it sends (checked
 * against SigV4 computed here, independently of the signer), the endpoint it picks, how AWS
 * error bodies become AwsRequestError, and which failures it retries. No network.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AwsRequestError } from '../../lib/aws/errors';
import { SignedJsonClient, type SignedJsonClientOptions } from '../../lib/aws/signedJsonClient';

interface Sent {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
  });

/** A client whose fetch records each request and answers from `replies` in turn. */
function clientWith(replies: Array<Response | Error>, options: Partial<SignedJsonClientOptions> = {}) {
  const sent: Sent[] = [];
  const client = new SignedJsonClient({
    service: 'sagemaker',
    endpointPrefix: 'api.sagemaker',
    target: 'SageMaker',
    version: '1.1',
    endpointEnvName: 'SAGEMAKER',
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    env: {},
    ...options,
    fetch: async (url, init) => {
      sent.push({
        url: new URL(String(url)),
        headers: Object.fromEntries(
          Object.entries(init?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
        ),
        body: String(init?.body),
      });
      const reply = replies.shift() ?? json({});
      if (reply instanceof Error) throw reply;
      return reply;
    },
  });
  return { client, sent };
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** The SigV4 signature AWS would compute for the request, from its own headers. */
function expectedSignature(sent: Sent, secret: string): string {
  const credential = /Credential=([^,]+), SignedHeaders=([^,]+),/.exec(sent.headers.authorization!)!;
  const scope = credential[1]!.split('/').slice(1).join('/');
  const signed = credential[2]!.split(';');
  const canonical = [
    'POST',
    sent.url.pathname,
    '',
    ...signed.map((h) => `${h}:${sent.headers[h]!.trim()}`),
    '',
    signed.join(';'),
    sha256(sent.body),
  ].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', sent.headers['x-amz-date']!, scope, sha256(canonical)].join('\n');
  const [date, region, service] = scope.split('/');
  const key = ['aws4_request'].reduce(
    (k, part) => hmac(k, part),
    hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!),
  );
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('a signed JSON request', () => {
  it('is signed with SigV4 for the service and region, with the operation as x-amz-target', async () => {
    const { client, sent } = clientWith([json({ EndpointName: 'fraud-prod' })]);

    const output = await client.call('DescribeEndpoint', { EndpointName: 'fraud-prod' });

    expect(output).toEqual({ EndpointName: 'fraud-prod' });
    const request = sent[0]!;
    expect(request.url.href).toBe('https://api.sagemaker.eu-west-1.amazonaws.com/');
    expect(request.headers['x-amz-target']).toBe('SageMaker.DescribeEndpoint');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(request.body)).toEqual({ EndpointName: 'fraud-prod' });
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/sagemaker\/aws4_request, SignedHeaders=[^,]*\bx-amz-target\b[^,]*, Signature=[0-9a-f]{64}$/,
    );
    const signature = /Signature=([0-9a-f]{64})/.exec(request.headers.authorization!)![1];
    expect(signature).toBe(expectedSignature(request, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'));
  });

  it('carries the session token of temporary credentials', async () => {
    const { client, sent } = clientWith([json({})], {
      credentials: async () => ({
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret',
        sessionToken: 'token-1',
      }),
    });

    await client.call('DescribeEndpoint', { EndpointName: 'fraud-prod' });

    expect(sent[0]!.headers['x-amz-security-token']).toBe('token-1');
    expect(sent[0]!.headers.authorization).toContain('Credential=ASIAEXAMPLE/');
  });

  it('goes to AWS_ENDPOINT_URL_<SERVICE> before AWS_ENDPOINT_URL', async () => {
    const { client, sent } = clientWith([json({})], {
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_SAGEMAKER: 'http://127.0.0.1:5090' },
    });

    await client.call('DescribeEndpoint', {});

    expect(sent[0]!.url.href).toBe('http://127.0.0.1:5090/');
    expect(sent[0]!.headers.host).toBe('127.0.0.1:5090');
  });

  it('uses the awsJson1_0 content type for services that speak it', async () => {
    const { client, sent } = clientWith([json({ MetricAlarms: [] })], {
      service: 'monitoring',
      endpointPrefix: 'monitoring',
      target: 'GraniteServiceVersion20100801',
      version: '1.0',
      region: 'eu-north-1',
    });

    await client.call('DescribeAlarms', { AlarmNames: ['a'] });

    expect(sent[0]!.url.host).toBe('monitoring.eu-north-1.amazonaws.com');
    expect(sent[0]!.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(sent[0]!.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.DescribeAlarms');
    expect(sent[0]!.headers.authorization).toContain('/eu-north-1/monitoring/aws4_request');
  });
});

describe('an AWS error', () => {
  it.each([
    [
      'a namespaced __type',
      json({ __type: 'com.amazonaws.sagemaker#ValidationException', message: 'nope' }, 400),
    ],
    ['a plain __type and Message', json({ __type: 'ValidationException', Message: 'nope' }, 400)],
    [
      'the x-amzn-errortype header',
      json({ message: 'nope' }, 400, { 'x-amzn-errortype': 'ValidationException:http://internal/' }),
    ],
  ])('is an AwsRequestError with the bare code, from %s', async (_, reply) => {
    const { client } = clientWith([reply]);

    const error = await client.call('DescribeEndpoint', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error).toMatchObject({
      service: 'sagemaker',
      operation: 'DescribeEndpoint',
      code: 'ValidationException',
      statusCode: 400,
      message: 'sagemaker.DescribeEndpoint failed: ValidationException: nope',
    });
  });

  it('is not retried when the request was invalid', async () => {
    const { client, sent } = clientWith([
      json({ __type: 'ValidationException', message: 'bad' }, 400),
      json({}),
    ]);

    await expect(client.call('CreateModel', {})).rejects.toMatchObject({ code: 'ValidationException' });
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['a 500', json({ __type: 'InternalFailure', message: 'oops' }, 500)],
    [
      'throttling',
      json({ __type: 'com.amazonaws.sagemaker#ThrottlingException', message: 'slow down' }, 400),
    ],
    ['a network failure', new TypeError('fetch failed')],
  ])('is retried after %s', async (_, failure) => {
    const { client, sent } = clientWith([failure, json({ ok: true })]);

    expect(await client.call('DescribeEndpoint', {})).toEqual({ ok: true });
    expect(sent).toHaveLength(2);
  });

  it('surfaces once the retries are used up', async () => {
    const unavailable = () => json({ __type: 'ServiceUnavailable', message: 'down' }, 503);
    const { client, sent } = clientWith([unavailable(), unavailable(), unavailable(), json({})], {
      retries: 2,
    });

    await expect(client.call('DescribeEndpoint', {})).rejects.toMatchObject({
      code: 'ServiceUnavailable',
      statusCode: 503,
    });
    expect(sent).toHaveLength(3);
  });

  it('reports a network failure with its cause', async () => {
    const { client } = clientWith([new TypeError('fetch failed')], { retries: 0 });

    await expect(client.call('DescribeEndpoint', {})).rejects.toMatchObject({
      code: 'NetworkError',
      statusCode: undefined,
      cause: expect.any(TypeError),
    });
  });
});
