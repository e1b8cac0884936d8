/**
 * The registry webhook's Lambda `handler` as deployed: the official SDK clients, built by
 * lib/wiring/awsClients.ts with the credentials Lambda puts in the environment, reach SSM and
 * SQS. Every client the handler builds gets a request handler that answers as AWS would, so the
 * requests are checked as AWS would receive them (endpoint, target, SigV4 credential scope,
 * session token, body), and the failures as the sender sees them: the queue's 503
 * `queue_unavailable`, the secret's 503 `secret_unavailable`. No network.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/registryWebhook';
import type { HttpResult } from '../../lib/app/http/apiGateway';
import { httpEvent, keys, now, post, signFor, validBody } from '../support/ingressHarness';

interface AwsRequest {
  url: string;
  target: string;
  headers: Record<string, string>;
  body: Record<string, any>;
}

const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/baton-promotion.fifo';
const requests: AwsRequest[] = [];
/** Per X-Amz-Target, what AWS answers; SSM's GetParameter answers from `keys` unless overridden. */
let answers: Record<string, () => { status: number; body: unknown }> = {};

const awsJson = (body: unknown, status = 200) => ({ status, body });

interface SdkHttpRequest {
  protocol: string;
  hostname: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Stands where the SDK's HTTP handler would send the request, and answers as AWS would. */
const fakeAws = {
  async handle(request: SdkHttpRequest) {
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const body = JSON.parse(String(request.body));
    const target = headers['x-amz-target']!;
    requests.push({ url: `${request.protocol}//${request.hostname}${request.path}`, target, headers, body });
    const answer = answers[target]
      ? answers[target]()
      : target === 'AmazonSSM.GetParameter'
        ? awsJson({ Parameter: { Value: keys[body.Name] } })
        : awsJson({
            MessageId: 'f0e1d2c3',
            MD5OfMessageBody: createHash('md5').update(String(body.MessageBody)).digest('hex'),
          });
    return {
      response: {
        statusCode: answer.status,
        reason: undefined,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
      },
    };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
  destroy() {},
};

// Every client the handler builds sends through fakeAws instead of the network.
const { viaFake } = vi.hoisted(() => ({
  viaFake:
    <T extends { config: { requestHandler: unknown } }>(make: (...a: any[]) => T) =>
    (...args: any[]): T => {
      const client = make(...args);
      client.config.requestHandler = fakeAws;
      return client;
    },
}));
vi.mock('../../lib/wiring/awsClients', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/wiring/awsClients')>();
  return { ...real, ssmClient: viaFake(real.ssmClient) };
});
vi.mock('../../lib/wiring/sqsClient', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/wiring/sqsClient')>();
  return { ...real, sqsClient: viaFake(real.sqsClient) };
});

async function invoke(route: 'mlflow' | 'databricks', model: string): Promise<HttpResult> {
  const body = validBody(route, model, '3');
  return handler(httpEvent(post(route, body, signFor(route, body, `delivery-${model}`))), {} as Context);
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now });
  const env = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'lambda-session-token',
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_SQS: undefined,
    AWS_ENDPOINT_URL_SSM: undefined,
    PROMOTION_QUEUE_URL: queueUrl,
    MLFLOW_WEBHOOK_SECRETS_PARAM: 'mlflow',
    DATABRICKS_WEBHOOK_SECRETS_PARAM: 'databricks',
    TABLE_NAME: 'baton',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
});

beforeEach(() => {
  requests.length = 0;
  answers = {};
});

afterAll(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe('the registry webhook as Lambda runs it', () => {
  it('reads its secret from SSM and queues on SQS, signed with the execution role’s credentials', async () => {
    const response = await invoke('mlflow', 'fraud');

    expect(response.statusCode).toBe(202);
    expect(requests.map((r) => [r.url, r.target])).toEqual([
      ['https://ssm.eu-west-1.amazonaws.com/', 'AmazonSSM.GetParameter'],
      ['https://sqs.eu-west-1.amazonaws.com/', 'AmazonSQS.SendMessage'],
    ]);
    for (const { headers } of requests) {
      expect(headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE\/20261122\/eu-west-1\//,
      );
      expect(headers['x-amz-security-token']).toBe('lambda-session-token');
    }
    expect(requests[1]!.body).toMatchObject({ QueueUrl: queueUrl, MessageGroupId: 'fraud' });
  });

  it('answers 503 queue_unavailable when SQS keeps failing, so MLflow retries', async () => {
    answers['AmazonSQS.SendMessage'] = () => awsJson({ __type: 'InternalFailure', message: 'oops' }, 500);

    const response = await invoke('mlflow', 'churn');

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body!)).toMatchObject({ error: 'queue_unavailable' });
  });

  it('answers 503 secret_unavailable when SSM cannot be read, and queues nothing', async () => {
    answers['AmazonSSM.GetParameter'] = () =>
      awsJson({ __type: 'InternalServerError', message: 'down' }, 500);

    const response = await invoke('databricks', 'churn');

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body!)).toMatchObject({ error: 'secret_unavailable' });
    expect(requests.filter((r) => r.target === 'AmazonSQS.SendMessage')).toEqual([]);
  });
});
