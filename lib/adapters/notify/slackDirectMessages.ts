/**
 * Approval links by Slack direct message: `chat.postMessage` with `channel` set to the
 * approver's Slack user id, which Slack delivers to that person's DM with the app. It uses the
 * bot token the notifier already posts with (SLACK_BOT_TOKEN_PARAM); the token never appears in
 * an error or a log line. The token is read per message (a SecretSource over the process's secret
 * cache), so a rotated token is used within the cache's TTL without a cold start.
 *
 * @example
 *   const dm = new SlackDirectMessages({ token: () => botToken(), apiUrl: 'https://slack.com/api' });
 *   await dm.send('U0ALICE', { request, person, link });
 */
import type { Person } from '../../domain/people';
import type { SecretSource } from '../../domain/ports';
import type { LinkChannel } from './approvalLinkDelivery';
import { type ApprovalLinkMessage, renderApprovalDirectMessage } from './approvalLinkMessage';
import { SlackConfigError } from './errors';
import { chatPostMessageUrl, postChatMessage, type SlackHttpOptions } from './slackDelivery';

export interface SlackDirectMessageSettings {
  /** The bot token, or its source (read per message). */
  token: string | SecretSource;
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
    this.endpoint = chatPostMessageUrl(settings.apiUrl);
  }

  addressOf(person: Person): string | undefined {
    return person.slack;
  }

  async send(userId: string, message: ApprovalLinkMessage): Promise<void> {
    const body = { channel: userId, text: renderApprovalDirectMessage(message), unfurl_links: false };
    const { token: configured } = this.settings;
    const token = typeof configured === 'string' ? configured : await configured();
    // The parameter is empty now: waiting will not help until someone sets it (not retried).
    if (!token) throw new SlackConfigError('no bot token is set (SLACK_BOT_TOKEN_PARAM)');
    await postChatMessage(this.endpoint, token, body, this.options);
  }
}
