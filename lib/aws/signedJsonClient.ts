/**
 * A minimal client for AWS's JSON protocols (awsJson1_0 / awsJson1_1): one signed POST per
 * operation. SageMaker, CloudWatch and SQS all speak it. Baton needs a handful of operations from
 * each; the generated SDK clients for SageMaker and CloudWatch add 850 KB and 480 KB to a bundle
 * (measured), while this reuses the SigV4 signer the DynamoDB client already bundles.
 *
 * Credentials and region come from an SDK client's resolved config, so the whole default chain
 * (environment, profile, SSO, container role) works; the endpoint honours AWS_ENDPOINT_URL_<SERVICE>
 * and AWS_ENDPOINT_URL like the SDK does.
 *
 * @example
 *   const sagemaker = new SignedJsonClient({ service: 'sagemaker', endpointPrefix: 'api.sagemaker',
 *     target: 'SageMaker', version: '1.1', credentials, region: 'eu-west-1' });
 *   await sagemaker.call('DescribeEndpoint', { EndpointName: 'fraud-prod' });
 */
import type { SignatureV4 } from '@smithy/signature-v4';
import { AwsRequestError } from './errors';
import { type AwsCredentials, retrying, signedPost, signing } from './signedPost';

export type { AwsCredentials };

export interface SignedJsonClientOptions {
  /** The signing name, e.g. `sagemaker`, `monitoring`, `sqs`. */
  service: string;
  /** The host's first labels, e.g. `api.sagemaker` → https://api.sagemaker.<region>.amazonaws.com */
  endpointPrefix: string;
  /** X-Amz-Target prefix, e.g. `SageMaker`, `GraniteServiceVersion20100801`, `AmazonSQS`. */
  target: string;
  /** JSON protocol version: `1.0` or `1.1`. */
  version: '1.0' | '1.1';
  /** The env suffix of AWS_ENDPOINT_URL_<NAME>, e.g. `SAGEMAKER`; defaults to the service upper-cased. */
  endpointEnvName?: string;
  region: string | (() => Promise<string>);
  credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  /** Per attempt; default 5000 ms. */
  timeoutMs?: number;
  /** Retries on 5xx, throttling and network errors; default 2. */
  retries?: number;
  env?: Record<string, string | undefined>;
  fetch?: typeof globalThis.fetch;
}

export class SignedJsonClient {
  private signer: Promise<{ signer: SignatureV4; url: URL }> | undefined;

  constructor(private readonly options: SignedJsonClientOptions) {}

  private async prepare(): Promise<{ signer: SignatureV4; url: URL }> {
    const o = this.options;
    const region = typeof o.region === 'string' ? o.region : await o.region();
    return signing(o, region, o.credentials);
  }

  /** Calls one operation; resolves with its parsed JSON output, rejects with AwsRequestError. */
  async call<T = Record<string, unknown>>(operation: string, input: object): Promise<T> {
    this.signer ??= this.prepare();
    const { signer, url } = await this.signer;
    return retrying(this.options.retries ?? 2, () => this.once<T>(signer, url, operation, input));
  }

  private async once<T>(signer: SignatureV4, url: URL, operation: string, input: object): Promise<T> {
    const o = this.options;
    const body = JSON.stringify(input);
    const response = await signedPost(signer, url, {
      service: o.service,
      operation,
      headers: {
        'content-type': `application/x-amz-json-${o.version}`,
        'x-amz-target': `${o.target}.${operation}`,
      },
      body,
      timeoutMs: o.timeoutMs,
      fetch: o.fetch,
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      if (response.ok)
        throw new AwsRequestError(
          o.service,
          operation,
          'InvalidResponse',
          response.status,
          text.slice(0, 200),
        );
    }
    if (!response.ok) {
      const type = String(
        parsed.__type ?? parsed.code ?? response.headers.get('x-amzn-errortype') ?? 'UnknownError',
      );
      const code = type.split('#').pop()!.split(':')[0]!;
      const message = String(parsed.message ?? parsed.Message ?? text.slice(0, 200));
      throw new AwsRequestError(o.service, operation, code, response.status, message, { details: parsed });
    }
    return parsed as T;
  }
}
