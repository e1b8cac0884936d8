/**
 * What the two small AWS clients (signedJsonClient.ts, signedQueryClient.ts) share: where a
 * service's endpoint is (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else the public host), a
 * SigV4 signer hashing with node:crypto, one signed POST with a per-attempt timeout, and retries
 * with jittered backoff on what AwsRequestError calls retryable. Only the body's encoding and the
 * reading of the answer differ between the protocols.
 *
 * @example
 *   const { signer, url } = signing({ service: 'sns', endpointPrefix: 'sns' }, 'eu-west-1', credentials);
 *   const response = await retrying(2, () => signedPost(signer, url, request));
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsRequestError } from './errors';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
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

/** The service's endpoint and a signer for it. */
export function signing(
  o: {
    service: string;
    endpointPrefix: string;
    endpointEnvName?: string;
    env?: Record<string, string | undefined>;
  },
  region: string,
  credentials: AwsCredentials | (() => Promise<AwsCredentials>),
): { signer: SignatureV4; url: URL } {
  const env = o.env ?? process.env;
  const configured =
    env[`AWS_ENDPOINT_URL_${o.endpointEnvName ?? o.service.toUpperCase()}`] ?? env.AWS_ENDPOINT_URL;
  const url = new URL(configured ?? `https://${o.endpointPrefix}.${region}.amazonaws.com/`);
  const signer = new SignatureV4({
    service: o.service,
    region,
    credentials: typeof credentials === 'function' ? credentials : async () => credentials,
    sha256: NodeSha256,
  });
  return { signer, url };
}

/** One signed POST; a failure to get any answer becomes a retryable AwsRequestError. */
export async function signedPost(
  signer: SignatureV4,
  url: URL,
  request: {
    service: string;
    operation: string;
    headers: Record<string, string>;
    body: string;
    timeoutMs?: number;
    fetch?: typeof globalThis.fetch;
  },
): Promise<Response> {
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname || '/',
    headers: { host: url.host, ...request.headers },
    body: request.body,
  });
  try {
    return await (request.fetch ?? fetch)(url, {
      method: 'POST',
      headers: signed.headers as Record<string, string>,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs ?? 5000),
    });
  } catch (cause) {
    throw new AwsRequestError(
      request.service,
      request.operation,
      'NetworkError',
      undefined,
      (cause as Error).message,
      { cause },
    );
  }
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Runs `once`, again after a jittered backoff while it fails with a retryable AwsRequestError. */
export async function retrying<T>(retries: number, once: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await once();
    } catch (error) {
      const retryable = error instanceof AwsRequestError && error.retryable;
      if (!retryable || attempt >= retries) throw error;
      await sleep(Math.random() * Math.min(1000, 100 * 2 ** attempt));
    }
  }
}
