/**
 * `baton inspect`: debug an integration offline. Reads a raw body from FILE, judges it with the
 * ingress's own code (lib/ingress), and prints one JSON object:
 * `{"signature": "valid"|"invalid"|"absent", "event": …|null, "error": "…"|null}`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { judgeRegistryRequest, type RegistrySource } from '../lib/ingress/registryIngress';
import { judgeSlackRequest } from '../lib/ingress/slackIngress';

const sources = ['mlflow', 'databricks', 'slack'] as const;
type Source = (typeof sources)[number];

export function parseHeaders(values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new Error(`--header must be 'Name: value', got ${JSON.stringify(value)}`);
    headers[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim();
  }
  return headers;
}

export async function inspectCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      source: { type: 'string' },
      secret: { type: 'string', multiple: true, default: [] },
      header: { type: 'string', multiple: true, default: [] },
      at: { type: 'string' },
    },
  });
  const source = values.source as Source;
  if (!sources.includes(source)) throw new Error(`--source must be one of ${sources.join(', ')}`);
  if (positionals.length !== 1) throw new Error('give exactly one FILE with the raw request body');
  if (values.at !== undefined && !/^\d+$/.test(values.at)) throw new Error('--at must be Unix seconds');
  // The content type each sender uses, unless a --header says otherwise.
  const contentType = source === 'slack' ? 'application/x-www-form-urlencoded' : 'application/json';
  const headers = { 'content-type': contentType, ...parseHeaders(values.header) };
  const now = values.at === undefined ? new Date() : new Date(Number(values.at) * 1000);
  const request = { headers, body: readFileSync(positionals[0]!) };
  const options = { secrets: values.secret, now };
  const verdict =
    source === 'slack'
      ? judgeSlackRequest(request, options)
      : judgeRegistryRequest(source satisfies RegistrySource, request, options);
  const output = {
    signature: verdict.signature,
    event: verdict.event,
    ...(verdict.ignored && { ignored: verdict.ignored }),
    error: verdict.error
      ? `${verdict.error.statusCode} ${verdict.error.code}: ${verdict.error.detail}`
      : null,
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return verdict.error ? 2 : 0;
}
