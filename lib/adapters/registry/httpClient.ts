/**
 * A small JSON-over-HTTP client for the registry: per-attempt timeout, retries with exponential
 * backoff and full jitter on 429, 5xx and network errors, bearer or basic auth. Every call Baton
 * makes to the registry is idempotent (get, set tag, set alias, delete), so POST and DELETE are
 * retried too. Failures become typed errors (errors.ts); 2xx bodies come back parsed.
 *
 * @example
 *   const http = new HttpClient({ baseUrl: 'http://127.0.0.1:5000', auth: { token: 'dapi…' } });
 *   const body = await http.request('GET', '/api/2.0/mlflow/model-versions/get', {
 *     query: { name: 'fraud', version: '3' },
 *   });
 */
import { parseJson } from '../../../events/json';
import { RegistryRequestError, RegistryResponseError, RegistryUnavailableError } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
export type HttpAuth = { token: string } | { username: string; password: string };
/**
 * Credentials read per request, so a rotated secret is picked up: `fresh` is true once after a
 * 401/403, asking past any cache before the request fails.
 */
export type AuthSource = (options: { fresh: boolean }) => Promise<HttpAuth | undefined>;
export type Query = Record<string, string | number | readonly string[] | undefined>;

/** One attempt, reported to `onRequest`; `status` is undefined when no response arrived. */
export interface RequestRecord {
  method: HttpMethod;
  path: string;
  status: number | undefined;
  durationMs: number;
  attempt: number;
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Fixed credentials, or a source read per request and re-read once after a 401/403. */
  auth?: HttpAuth | AuthSource;
  /** Per attempt; default 5000. */
  timeoutMs?: number;
  /** Retries after the first attempt; default 3. */
  retries?: number;
  /** Backoff before retry n is random(0, min(maxDelayMs, baseDelayMs * 2^n)); defaults 100, 2000. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Upper bound on a server's Retry-After; default 5000, so a Lambda never sleeps for minutes. */
  maxRetryAfterMs?: number;
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRequest?: (record: RequestRecord) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** 429 and 5xx are worth another try; 501 (not implemented) never gets better. */
const isRetryableStatus = (status: number) => status === 429 || (status >= 500 && status !== 501);

function authorization(auth: HttpAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if ('token' in auth) return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A response body as JSON: an empty body is `{}`, a malformed one `undefined` (reported by the caller). */
function responseJson(text: string): unknown {
  if (!text) return {};
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : undefined;
}

export class HttpClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof globalThis.fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
  }

  /**
   * Sends one logical request (with retries) and returns the parsed 2xx body; with `text`, the
   * 2xx body as it came (an exposition format such as Prometheus text, not JSON).
   */
  async request(
    method: HttpMethod,
    path: string,
    init: { query?: Query; body?: unknown; text?: boolean } = {},
  ): Promise<unknown> {
    const { timeoutMs = 5000, retries = 3, baseDelayMs = 100, maxDelayMs = 2000 } = this.options;
    const url = this.baseUrl + path + queryString(init.query);
    const headers: Record<string, string> = {
      accept: init.text ? 'text/plain, application/json;q=0.5' : 'application/json',
    };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const setAuth = (value: string | undefined) => {
      if (value) headers.authorization = value;
      else delete headers.authorization;
    };
    setAuth(await this.authorization(false));
    let reread = false;
    const operation = `${method} ${path}`;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      let response: Response;
      let text: string;
      try {
        response = await this.fetch(url, {
          method,
          headers,
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        this.report(method, path, undefined, started, attempt);
        if (attempt >= retries) {
          const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          throw new RegistryUnavailableError(`${operation}: ${reason} after ${attempt + 1} attempts`, {
            cause: error,
          });
        }
        await this.sleep(this.backoff(attempt, baseDelayMs, maxDelayMs));
        continue;
      }
      this.report(method, path, response.status, started, attempt);
      if (response.ok && init.text) return text;
      const body = responseJson(text);
      if (response.ok) {
        if (body === undefined) throw new RegistryResponseError(operation, `not JSON: ${text.slice(0, 100)}`);
        return body;
      }
      if ((response.status === 401 || response.status === 403) && !reread) {
        // The token may have been rotated since it was cached: read it afresh, and retry once if it changed.
        reread = true;
        const fresh = await this.authorization(true);
        if (fresh !== headers.authorization) {
          setAuth(fresh);
          continue;
        }
      }
      if (!isRetryableStatus(response.status)) throw requestError(response.status, body, text);
      if (attempt >= retries) {
        throw new RegistryUnavailableError(
          `${operation}: ${response.status} after ${attempt + 1} attempts: ${text.slice(0, 200)}`,
          { status: response.status },
        );
      }
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      await this.sleep(
        retryAfter === undefined
          ? this.backoff(attempt, baseDelayMs, maxDelayMs)
          : Math.min(retryAfter, this.options.maxRetryAfterMs ?? 5000),
      );
    }
  }

  /** The Authorization header for the next request; a fixed credential never changes. */
  private async authorization(fresh: boolean): Promise<string | undefined> {
    const { auth } = this.options;
    if (typeof auth !== 'function') return authorization(auth);
    return authorization(await auth({ fresh }));
  }

  /** Full jitter: spreads the retries of many workers instead of having them collide again. */
  private backoff(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
    return Math.floor(this.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
  }

  private report(
    method: HttpMethod,
    path: string,
    status: number | undefined,
    started: number,
    attempt: number,
  ) {
    this.options.onRequest?.({ method, path, status, durationMs: performance.now() - started, attempt });
  }
}

function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const encoded = params.toString();
  return encoded ? `?${encoded}` : '';
}

/** MLflow (and Databricks) error bodies are `{ error_code, message }`; anything else is kept as text. */
function requestError(status: number, body: unknown, text: string): RegistryRequestError {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errorCode = typeof fields.error_code === 'string' ? fields.error_code : `HTTP_${status}`;
  const message = typeof fields.message === 'string' ? fields.message : text.slice(0, 200);
  return new RegistryRequestError(status, errorCode, message);
}
