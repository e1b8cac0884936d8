/**
 * The ArtifactStore port over an MLflow tracking server's proxied artifact API (`mlflow server
 * --serve-artifacts`, the default since MLflow 2): list with `GET /api/2.0/mlflow-artifacts/artifacts?path=`
 * (one directory level, names relative to it), download with `GET …/artifacts/<path>`, upload with
 * `PUT …/artifacts/<path>` (paths checked against mlflow/server/handlers.py, 3.17). Bodies are
 * streamed both ways: a multi-gigabyte model never sits in memory.
 *
 * @example
 *   const store = new MlflowArtifacts({ baseUrl: 'http://127.0.0.1:5000' });
 *   const files = await store.listFiles('1/abc/artifacts/model'); // [{ path: 'MLmodel', size: 312 }, …]
 *   await store.write('baton/copies/x/MLmodel', await source.read('1/abc/artifacts/model/MLmodel'), 312);
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as z from 'zod/mini';
import type { ArtifactFile, ArtifactStore } from '../../domain/copyPorts';
import { RegistryRequestError, RegistryResponseError, RegistryUnavailableError } from './errors';

const ROUTE = '/api/2.0/mlflow-artifacts/artifacts';

const listing = z.looseObject({
  files: z.optional(
    z.array(
      z.looseObject({
        path: z.string(),
        is_dir: z.optional(z.boolean()),
        file_size: z.optional(z.union([z.number(), z.string()])),
      }),
    ),
  ),
});

export interface MlflowArtifactsOptions {
  baseUrl: string;
  /** Sent as a bearer token when set (MLflow's auth app or a proxy in front of it). */
  token?: () => Promise<string | undefined>;
  fetch?: typeof globalThis.fetch;
  /** Per listing call; default 30 s (transfers have no timeout: their size is unbounded). */
  timeoutMs?: number;
}

/** Each segment encoded, the slashes kept: the server joins them back into a path. */
const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

export class MlflowArtifacts implements ArtifactStore {
  private readonly baseUrl: string;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: MlflowArtifactsOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async listFiles(root: string): Promise<ArtifactFile[]> {
    const found: ArtifactFile[] = [];
    const walk = async (relative: string): Promise<void> => {
      const dir = relative ? `${root}/${relative}` : root;
      const url = `${this.baseUrl}${ROUTE}?path=${encodeURIComponent(dir)}`;
      const response = await this.send(url, {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
      const parsed = listing.safeParse(await response.json());
      if (!parsed.success) throw new RegistryResponseError(`GET ${ROUTE}`, 'not a file listing');
      for (const file of parsed.data.files ?? []) {
        const path = relative ? `${relative}/${file.path}` : file.path;
        if (file.is_dir) await walk(path);
        else found.push({ path, size: Number(file.file_size ?? 0) });
      }
    };
    await walk('');
    return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(path: string): Promise<AsyncIterable<Uint8Array>> {
    return this.stream('GET', path);
  }

  async write(path: string, body: AsyncIterable<Uint8Array>, size: number): Promise<void> {
    const response = await this.stream('PUT', path, { body, size });
    response.resume();
  }

  /**
   * A transfer over node:http(s), not fetch: undici's fetch reads a response ahead of a slower
   * consumer (a 200 MB copy grew RSS by 235 MB), while a Node stream pipeline holds at most a
   * few chunks, pulling the next only when the last was sent.
   */
  private async stream(
    method: 'GET' | 'PUT',
    path: string,
    upload?: { body: AsyncIterable<Uint8Array>; size: number },
  ): Promise<IncomingMessage> {
    const url = new URL(`${this.baseUrl}${ROUTE}/${encodePath(path)}`);
    const token = await this.options.token?.();
    const headers: Record<string, string> = {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(upload && { 'content-type': 'application/octet-stream', 'content-length': String(upload.size) }),
    };
    const operation = `${method} ${url.pathname}`;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let response: IncomingMessage;
    try {
      response = await new Promise<IncomingMessage>((done, fail) => {
        const request = send(url, { method, headers }, done);
        request.once('error', fail);
        if (upload) pipeline(Readable.from(upload.body), request).catch(fail);
        else request.end();
      });
    } catch (error) {
      throw new RegistryUnavailableError(`${operation}: ${(error as Error).message}`, { cause: error });
    }
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return response;
    let text = '';
    for await (const chunk of response) if (text.length < 200) text += String(chunk);
    if (status === 429 || status >= 500)
      throw new RegistryUnavailableError(`${operation}: ${status} ${text.slice(0, 200)}`, { status });
    throw new RegistryRequestError(status, `HTTP_${status}`, `${operation}: ${text.slice(0, 200)}`);
  }

  /** One request; failures become the registry's typed errors (a 5xx or a lost connection: retryable). */
  private async send(url: string, init: RequestInit): Promise<Response> {
    const token = await this.options.token?.();
    const headers = {
      ...(init.headers as Record<string, string>),
      ...(token && { authorization: `Bearer ${token}` }),
    };
    const operation = `${init.method ?? 'GET'} ${new URL(url).pathname}`;
    let response: Response;
    try {
      response = await this.fetch(url, { ...init, headers });
    } catch (error) {
      throw new RegistryUnavailableError(`${operation}: ${(error as Error).message}`, { cause: error });
    }
    if (response.ok) return response;
    const text = (await response.text()).slice(0, 200);
    if (response.status === 429 || response.status >= 500)
      throw new RegistryUnavailableError(`${operation}: ${response.status} ${text}`, {
        status: response.status,
      });
    throw new RegistryRequestError(response.status, `HTTP_${response.status}`, `${operation}: ${text}`);
  }
}
