/**
 * Slack delivery behind the `Notifier` port: an incoming-webhook adapter and a `chat.postMessage`
 * adapter (bot token); lib/wiring/slackNotifier.ts picks one from what SSM holds. Failures become
 * the typed errors of errors.ts; neither the token nor the webhook URL (itself a secret) ever
 * appears in an error or a log line.
 *
 * @example
 *   await new SlackBotNotifier({ token, channel: '#ml-releases', apiUrl: 'https://slack.com/api' }).publish(n);
 */
import type { Notification } from '../../domain/effects';
import type { Notifier } from '../../domain/ports';
import type { ArtefactRowsOf } from '../../domain/servingPorts';
import { SlackConfigError, SlackRateLimitedError, SlackRejectedError, SlackUnavailableError } from './errors';
import { clip, renderSlackMessage } from './slackBlocks';

export interface SlackHttpOptions {
  fetch?: typeof globalThis.fetch;
  /** Per post; default 4000, well inside the function's 10 s. */
  timeoutMs?: number;
  /** How an approval request's pinned artefact reads (the wiring's `artefactRowsOf`). */
  artefactRows?: ArtefactRowsOf;
}

/** Slack sends Retry-After in seconds. */
function retryAfterMs(value: string | null): number | undefined {
  const seconds = Number(value ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  options: SlackHttpOptions,
): Promise<Response> {
  try {
    return await (options.fetch ?? globalThis.fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 4000),
    });
  } catch (error) {
    // fetch's own errors name the host at most, never the path that holds a webhook's secret.
    throw new SlackUnavailableError(
      (error as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable',
      error,
    );
  }
}

/** 429 → rate-limited, 5xx → unavailable (both retryable), other non-2xx → rejected. */
export async function failureOf(response: Response): Promise<Error> {
  if (response.status === 429)
    return new SlackRateLimitedError(retryAfterMs(response.headers.get('retry-after')));
  if (response.status >= 500) return new SlackUnavailableError(`HTTP ${response.status}`);
  const detail = clip((await response.text().catch(() => '')).trim(), 200);
  return new SlackRejectedError(detail || 'no detail', response.status);
}

/** Posts `{text, blocks}` to an incoming-webhook URL (its channel is fixed when it is created). */
export class SlackWebhookNotifier implements Notifier {
  constructor(
    private readonly url: string,
    private readonly options: SlackHttpOptions = {},
  ) {
    if (!URL.canParse(url)) throw new SlackConfigError('the webhook URL parameter does not hold a URL');
  }

  async publish(n: Notification): Promise<void> {
    const response = await postJson(
      this.url,
      renderSlackMessage(n, this.options.artefactRows),
      {},
      this.options,
    );
    if (!response.ok) throw await failureOf(response);
  }
}

export interface SlackBotSettings {
  token: string;
  channel: string;
  /** Default https://slack.com/api; tests point it at a local receiver. */
  apiUrl?: string;
}

/**
 * Where `chat.postMessage` is, under Slack's API base (default https://slack.com/api).
 *
 * @example
 *   chatPostMessageUrl('http://127.0.0.1:9000/api/'); // 'http://127.0.0.1:9000/api/chat.postMessage'
 */
export function chatPostMessageUrl(apiUrl = 'https://slack.com/api'): string {
  return `${apiUrl.replace(/\/+$/, '')}/chat.postMessage`;
}

/**
 * One `chat.postMessage` call with the bot token. Slack answers 200 with `{"ok":false,"error":…}`
 * when it refuses (channel_not_found, user_not_found, …): that is an error too.
 *
 * @example
 *   await postChatMessage(chatPostMessageUrl(), token, { channel: 'U0ALICE', text: 'hi' });
 */
export async function postChatMessage(
  endpoint: string,
  token: string,
  body: Record<string, unknown>,
  options: SlackHttpOptions = {},
): Promise<void> {
  const response = await postJson(endpoint, body, { authorization: `Bearer ${token}` }, options);
  if (!response.ok) throw await failureOf(response);
  const answer = (await response.json().catch(() => null)) as { ok?: boolean; error?: string } | null;
  if (answer?.ok === true) return;
  if (answer?.error === 'ratelimited') throw new SlackRateLimitedError(undefined);
  throw new SlackRejectedError(answer?.error ?? 'unreadable answer', response.status);
}

/** Posts with `chat.postMessage` to the configured channel. */
export class SlackBotNotifier implements Notifier {
  private readonly endpoint: string;

  constructor(
    private readonly settings: SlackBotSettings,
    private readonly options: SlackHttpOptions = {},
  ) {
    if (!settings.channel)
      throw new SlackConfigError('SLACK_CHANNEL is empty; chat.postMessage needs a channel');
    this.endpoint = chatPostMessageUrl(settings.apiUrl);
  }

  async publish(n: Notification): Promise<void> {
    const message = {
      channel: this.settings.channel,
      ...renderSlackMessage(n, this.options.artefactRows),
      unfurl_links: false,
    };
    await postChatMessage(this.endpoint, this.settings.token, message, this.options);
  }
}
