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
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsRequestError } from './errors';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

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

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** node:crypto behind the hash interface the signer expects (no extra hashing library bundled). */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export class SignedJsonClient {
  private signer: Promise<{ signer: SignatureV4; url: URL }> | undefined;

  constructor(private readonly options: SignedJsonClientOptions) {}

  private async prepare(): Promise<{ signer: SignatureV4; url: URL }> {
    const o = this.options;
    const region = typeof o.region === 'string' ? o.region : await o.region();
    const env = o.env ?? process.env;
    const configured =
      env[`AWS_ENDPOINT_URL_${o.endpointEnvName ?? o.service.toUpperCase()}`] ?? env.AWS_ENDPOINT_URL;
    const url = new URL(configured ?? `https://${o.endpointPrefix}.${region}.amazonaws.com/`);
    const credentials = o.credentials;
    const signer = new SignatureV4({
      service: o.service,
      region,
      credentials: typeof credentials === 'function' ? credentials : async () => credentials,
      sha256: NodeSha256,
    });
    return { signer, url };
  }

  /** Calls one operation; resolves with its parsed JSON output, rejects with AwsRequestError. */
  async call<T = Record<string, unknown>>(operation: string, input: object): Promise<T> {
    this.signer ??= this.prepare();
    const { signer, url } = await this.signer;
    const retries = this.options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(signer, url, operation, input);
      } catch (error) {
        const retryable = error instanceof AwsRequestError && error.retryable;
        if (!retryable || attempt >= retries) throw error;
        await sleep(Math.random() * Math.min(1000, 100 * 2 ** attempt));
      }
    }
  }

  private async once<T>(signer: SignatureV4, url: URL, operation: string, input: object): Promise<T> {
    const o = this.options;
    const body = JSON.stringify(input);
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname || '/',
      headers: {
        host: url.host,
        'content-type': `application/x-amz-json-${o.version}`,
        'x-amz-target': `${o.target}.${operation}`,
      },
      body,
    });
    let response: Response;
    try {
      response = await (o.fetch ?? fetch)(url, {
        method: 'POST',
        headers: signed.headers as Record<string, string>,
        body,
        signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
      });
    } catch (cause) {
      throw new AwsRequestError(o.service, operation, 'NetworkError', undefined, (cause as Error).message, {
        cause,
      });
    }
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
