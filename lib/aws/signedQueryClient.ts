/**
 * A minimal client for AWS's query protocol (awsQuery): one signed, form-encoded POST per action,
 * answered in XML. SNS still speaks only this (the SDK's SNS client uses it too). Baton publishes
 * and nothing else, so the response is read with two regular expressions rather than an XML
 * parser: the caller picks out the element it needs, and an error's `<Code>` and `<Message>`
 * become an AwsRequestError, as in signedJsonClient.ts. Same SigV4 signer, endpoint variables
 * (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL) and retries as the JSON client.
 *
 * @example
 *   const sns = new SignedQueryClient({ service: 'sns', endpointPrefix: 'sns', version: '2010-03-31', region, credentials });
 *   const xml = await sns.call('Publish', { TopicArn: arn, Message: 'hello' });
 *   xmlElement(xml, 'MessageId'); // 'b1e5…'
 */
import type { SignatureV4 } from '@smithy/signature-v4';
import { AwsRequestError } from './errors';
import { type AwsCredentials, retrying, signedPost, signing } from './signedPost';

export interface SignedQueryClientOptions {
  /** The signing name, e.g. `sns`. */
  service: string;
  /** The host's first labels, e.g. `sns` → https://sns.<region>.amazonaws.com */
  endpointPrefix: string;
  /** The API version sent as `Version`, e.g. `2010-03-31`. */
  version: string;
  /** The env suffix of AWS_ENDPOINT_URL_<NAME>; defaults to the service upper-cased. */
  endpointEnvName?: string;
  region: string;
  credentials: AwsCredentials;
  /** Per attempt; default 5000 ms. */
  timeoutMs?: number;
  /** Retries on 5xx, throttling and network errors; default 2. */
  retries?: number;
  env?: Record<string, string | undefined>;
  fetch?: typeof globalThis.fetch;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The text of the first `<name>` element in `xml`, entities decoded; undefined when absent.
 *
 * @example
 *   xmlElement('<PublishResult><MessageId>m-1</MessageId></PublishResult>', 'MessageId'); // 'm-1'
 */
export function xmlElement(xml: string, name: string): string | undefined {
  const text = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];
  return text?.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return entities[ref] ?? whole;
    return String.fromCodePoint(ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
  });
}

export class SignedQueryClient {
  private readonly signer: SignatureV4;
  private readonly url: URL;

  constructor(private readonly options: SignedQueryClientOptions) {
    ({ signer: this.signer, url: this.url } = signing(options, options.region, options.credentials));
  }

  /** Calls one action; resolves with the XML response, rejects with AwsRequestError. */
  async call(action: string, params: Record<string, string>): Promise<string> {
    return retrying(this.options.retries ?? 2, () => this.once(action, params));
  }

  private async once(action: string, params: Record<string, string>): Promise<string> {
    const { options: o, url } = this;
    const body = new URLSearchParams({ Action: action, Version: o.version, ...params }).toString();
    const response = await signedPost(this.signer, url, {
      service: o.service,
      operation: action,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
      timeoutMs: o.timeoutMs,
      fetch: o.fetch,
    });
    const text = await response.text();
    if (!response.ok) {
      const code = xmlElement(text, 'Code') ?? 'UnknownError';
      const message = xmlElement(text, 'Message') ?? text.slice(0, 200);
      throw new AwsRequestError(o.service, action, code, response.status, message);
    }
    return text;
  }
}
