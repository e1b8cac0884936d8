/**
 * A local HTTP receiver that records every request: stands in for Slack's response_url, webhook
 * receivers and small fakes of HTTP APIs (a fake answers through `reply`, which may be async).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body's exact bytes, for signature checks. */
  raw: Buffer;
}

export interface Reply {
  status: number;
  body: string;
  /** Defaults to `content-type: application/json`. */
  headers?: Record<string, string>;
}

export async function startReceiver(
  reply: (r: Received) => Reply | Promise<Reply> = () => ({ status: 200, body: 'ok' }),
) {
  const received: Received[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const entry = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      body: raw.toString(),
      raw,
    };
    received.push(entry);
    try {
      const { status, body, headers } = await reply(entry);
      response.writeHead(status, headers ?? { 'content-type': 'application/json' });
      response.end(body);
    } catch (error) {
      // A fake that throws answers 500, so the test sees it instead of a hung request.
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
