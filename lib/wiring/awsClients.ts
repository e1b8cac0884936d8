/**
 * The one place Baton configures the official AWS SDK clients, one small factory per service, so
 * every function, the CLI, the local runtime, the bench and the tests build them alike: region
 * and credentials from the SDK's default chain (Lambda's environment), the endpoint from
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> (which the SDK honours itself) unless one is
 * passed, a per-attempt timeout on the request handler, and the SDK's standard retries (jittered
 * backoff, throttling codes, clock-skew correction). The SDK is bundled by esbuild, never external.
 *
 * Each factory is its own export so esbuild keeps only the clients a function uses; DynamoDB's is
 * in dynamoClient.ts because lib-dynamodb declares no `sideEffects: false`, so importing it from
 * here would put DynamoDB into every bundle (measured: ≈30 KB in the ingress functions).
 * SageMaker's, CloudWatch's, SES's, SNS's and SQS's are in files of their own
 * (sageMakerClient.ts, cloudWatchClient.ts, sesClient.ts, snsClient.ts, sqsClient.ts): the worker
 * loads them on first use (deferred.ts), and esbuild's code splitting assigns whole files to
 * chunks, so a file the main chunk imports would pull them into it.
 *
 * @example
 *   const queue = new SqsEventQueue(sqsClient(), config.PROMOTION_QUEUE_URL);
 */
import { SSMClient } from '@aws-sdk/client-ssm';

export interface AwsClientOptions {
  /** Defaults to AWS_REGION (the SDK's chain). */
  region?: string;
  /** An explicit endpoint (the emulator in tests); otherwise AWS_ENDPOINT_URL(_<SERVICE>) or AWS's. */
  endpoint?: string;
  /** Static credentials (the emulator's); otherwise the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Per attempt, in ms; default 5000. */
  timeoutMs?: number;
  /** Attempts in all, the first included; default 3 (two retries). */
  maxAttempts?: number;
}

/** What every client shares; undefined fields are left to the SDK's own defaults. */
export function clientConfig(o: AwsClientOptions = {}) {
  const timeoutMs = o.timeoutMs ?? 5000;
  return {
    ...(o.region && { region: o.region }),
    ...(o.endpoint && { endpoint: o.endpoint }),
    ...(o.credentials && { credentials: o.credentials }),
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: Math.min(timeoutMs, 2000) },
    retryMode: 'standard',
    maxAttempts: o.maxAttempts ?? 3,
  };
}

/** @example await ssmClient().send(new GetParameterCommand({ Name, WithDecryption: true })); */
export function ssmClient(o?: AwsClientOptions): SSMClient {
  return new SSMClient(clientConfig(o));
}
