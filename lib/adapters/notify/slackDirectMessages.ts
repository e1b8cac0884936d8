/**
 * Approval links by Slack direct message: `chat.postMessage` with `channel` set to the
 * approver's Slack user id, which Slack delivers to that person's DM with the app. It uses the
 * bot token the notifier already posts with (SLACK_BOT_TOKEN_PARAM); the token never appears in
 * an error or a log line.
 *
 * @example
 *   const dm = new SlackDirectMessages({ token: 'xoxb-…', apiUrl: 'https://slack.com/api' });
 *   await dm.send('U0ALICE', { request, person, link });
 */
import type { Person } from '../../domain/people';
import type { LinkChannel } from './approvalLinkDelivery';
import { type ApprovalLinkMessage, renderApprovalDirectMessage } from './approvalLinkMessage';
import { SlackRateLimitedError, SlackRejectedError } from './errors';
import { failureOf, postJson, type SlackHttpOptions } from './slackDelivery';

export interface SlackDirectMessageSettings {
  token: string;
  /** Default https://slack.com/api; tests point it at a local receiver. */
  apiUrl?: string;
}

export class SlackDirectMessages implements LinkChannel {
  readonly name = 'slack';
  private readonly endpoint: string;

  constructor(
    private readonly settings: SlackDirectMessageSettings,
    private readonly options: SlackHttpOptions = {},
  ) {
    this.endpoint = `${(settings.apiUrl ?? 'https://slack.com/api').replace(/\/+$/, '')}/chat.postMessage`;
  }

  addressOf(person: Person): string | undefined {
    return person.slack;
  }

  async send(userId: string, message: ApprovalLinkMessage): Promise<void> {
    const body = { channel: userId, text: renderApprovalDirectMessage(message), unfurl_links: false };
    const response = await postJson(
      this.endpoint,
      body,
      { authorization: `Bearer ${this.settings.token}` },
      this.options,
    );
    if (!response.ok) throw await failureOf(response);
    // Slack answers 200 with `{"ok":false,"error":…}` when it refuses (user_not_found, …).
    const answer = (await response.json().catch(() => null)) as { ok?: boolean; error?: string } | null;
    if (answer?.ok === true) return;
    if (answer?.error === 'ratelimited') throw new SlackRateLimitedError(undefined);
    throw new SlackRejectedError(answer?.error ?? 'unreadable answer', response.status);
  }
}
