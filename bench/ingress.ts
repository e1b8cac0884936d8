/**
 * The registry-webhook handler's cost per event, in process, against its floor. The handler
 * (functions/registryWebhook.ts, with the deployed SqsEventQueue on the emulator) verifies a signed
 * MLflow `model_version.created` body, parses and validates it, and enqueues it; the floor is
 * what no ingress can avoid: an HMAC-SHA256 check of the same body and one raw SQS SendMessage
 * of the same body to the same queue. Both run interleaved in the same process, alternating
 * which goes first, so drift and GC hit them alike.
 *
 * Two more arms, also interleaved, split the cost: the handler with a no-op queue
 * (`ingress_cpu_p50_us`: verify, parse, validate, log) and the HMAC check alone
 * (`ingress_hmac_p50_us`). The queue is drained every 25 iterations, outside the clock: the
 * emulator's FIFO SendMessage grows slower with queue depth (about 30 ms empty, 150 ms at 1,000
 * messages), which an ingress in front of a consumed queue never sees.
 *
 * The handler's INFO log line is written to /dev/null during the measurement: its formatting and
 * a write syscall are counted (as in Lambda), without flooding the terminal.
 *
 * @example
 *   const figures = await benchIngress({ aws, queueUrl, secret, reps: 300, warmup: 30 });
 *   figures.ingress_overhead_ratio; // e.g. 1.2
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteMessageBatchCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type RegistryWebhookDeps, registryWebhook } from '../functions/registryWebhook';
import { fifoId } from '../lib/adapters/queue/fifoMessage';
import { SqsEventQueue } from '../lib/adapters/queue/sqsEventQueue';
import { sqsClient } from '../lib/wiring/sqsClient';
import { type AwsTarget, awsClientConfig, localCredentials } from '../local/resources';
import { repoRoot } from '../local/template';
import { mlflowHeaders } from '../test/support/signing';
import { percentile, round } from './stats';

/** MLflow's own model_version.created body, as recorded in events/samples. */
const body = readFileSync(join(repoRoot, 'events/samples/mlflow-model-version-created.json'), 'utf8');
const model = (JSON.parse(body) as { data: { name: string } }).data.name;

/** The webhook as API Gateway hands it to the function (payload 2.0), signed with a fresh delivery id. */
function signedEvent(secret: string): APIGatewayProxyEventV2 {
  const headers = mlflowHeaders(secret, body, new Date(), randomUUID());
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/mlflow',
    rawPath: '/webhooks/mlflow',
    rawQueryString: '',
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'localhost',
      domainPrefix: 'bench',
      http: {
        method: 'POST',
        path: '/webhooks/mlflow',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: '',
      },
      requestId: randomUUID(),
      routeKey: 'POST /webhooks/mlflow',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

/** Runs `work` with stdout sent to /dev/null (a real write, as Lambda's log capture is). */
async function withQuietStdout<T>(work: () => Promise<T>): Promise<T> {
  const devNull = openSync('/dev/null', 'w');
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (typeof chunk === 'string') writeSync(devNull, chunk);
    else writeSync(devNull, chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
    closeSync(devNull);
  }
}

export interface IngressOptions {
  aws: AwsTarget;
  queueUrl: string;
  secret: string;
  reps: number;
  warmup: number;
}

/** The emulator's FIFO SendMessage slows with queue depth, so the queue is drained this often. */
const drainEvery = 25;

/**
 * Runs each arm once per iteration; arms come in pairs (0 with 1, 2 with 3) whose order flips
 * every iteration, so each arm of a pair follows the other equally often. Returns samples (µs).
 */
async function interleave(
  arms: Array<(event: APIGatewayProxyEventV2) => Promise<number>>,
  iterations: number,
  secret: string,
  between: (i: number) => Promise<void>,
): Promise<number[][]> {
  const samples = arms.map(() => [] as number[]);
  for (let i = 0; i < iterations; i++) {
    await between(i);
    // Signing is the sender's work: done before any clock starts.
    const events = arms.map(() => signedEvent(secret));
    for (let k = 0; k < arms.length; k++) {
      const arm = i % 2 === 0 ? k : k ^ 1;
      samples[arm]!.push(await arms[arm]!(events[arm]!));
    }
  }
  return samples;
}

const micros = (started: bigint) => Number(process.hrtime.bigint() - started) / 1000;

export async function benchIngress(options: IngressOptions): Promise<Record<string, number>> {
  const sqs = new SQSClient(awsClientConfig(options.aws));
  const deps: RegistryWebhookDeps = {
    // The deployed queue adapter, built by the functions' factory as functions/registryWebhook.ts wires it.
    queue: new SqsEventQueue(
      sqsClient({
        region: options.aws.region,
        endpoint: options.aws.endpoint,
        credentials: localCredentials,
      }),
      options.queueUrl,
    ),
    // A warm SsmSecretStore: the value is cached in memory for a minute.
    secrets: { values: async () => [options.secret] },
    secretNames: { mlflow: '/baton/bench/mlflow-webhook-secrets', databricks: '/baton/bench/databricks' },
    // MLflow deliveries keep no receipt (its signed timestamp and delivery id bound replays).
    receipts: { receive: async () => null, markQueued: async () => undefined },
    now: () => new Date(),
  };
  const withoutQueue: RegistryWebhookDeps = { ...deps, queue: { enqueue: async () => undefined } };

  const handler = (using: RegistryWebhookDeps) => async (event: APIGatewayProxyEventV2) => {
    const started = process.hrtime.bigint();
    const result = await registryWebhook(event, using);
    const elapsed = micros(started);
    if (result.statusCode !== 202 || !String(result.body).includes('queued')) {
      throw new Error(`the handler answered ${result.statusCode} ${result.body}`);
    }
    return elapsed;
  };
  const floor = (send: boolean) => async (event: APIGatewayProxyEventV2) => {
    const h = event.headers as Record<string, string>;
    const started = process.hrtime.bigint();
    const provided = Buffer.from(h['x-mlflow-signature']!.slice(3), 'base64');
    const digest = createHmac('sha256', options.secret)
      .update(`${h['x-mlflow-delivery-id']}.${h['x-mlflow-timestamp']}.`)
      .update(event.body!)
      .digest();
    if (!timingSafeEqual(digest, provided)) throw new Error('the floor rejected its own signature');
    if (send) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: options.queueUrl,
          MessageBody: event.body!,
          MessageGroupId: fifoId(model),
          MessageDeduplicationId: `floor:${h['x-mlflow-delivery-id']}`,
        }),
      );
    }
    return micros(started);
  };
  /** Receives and deletes until the queue is empty (PurgeQueue is allowed once a minute). */
  const drain = async () => {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length === 0) return;
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  };
  const drainNow = async (i: number) => {
    if (i % drainEvery === 0) await drain();
  };

  const arms = [handler(deps), floor(true), handler(withoutQueue), floor(false)];
  let samples: number[][];
  try {
    samples = await withQuietStdout(async () => {
      await interleave(arms, options.warmup, options.secret, drainNow);
      return interleave(arms, options.reps, options.secret, drainNow);
    });
  } finally {
    await sqs.send(new PurgeQueueCommand({ QueueUrl: options.queueUrl })).catch(drain);
    sqs.destroy();
  }
  const [handlerUs, floorUs, cpuUs, hmacUs] = samples as [number[], number[], number[], number[]];
  const p50 = percentile(handlerUs, 50);
  const floorP50 = percentile(floorUs, 50);
  return {
    ingress_overhead_ratio: round(p50 / floorP50),
    ingress_p50_us: round(p50, 1),
    ingress_p99_us: round(percentile(handlerUs, 99), 1),
    ingress_floor_p50_us: round(floorP50, 1),
    ingress_cpu_p50_us: round(percentile(cpuUs, 50), 1),
    ingress_hmac_p50_us: round(percentile(hmacUs, 50), 1),
  };
}
