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
import { chatPostMessageUrl, postChatMessage, type SlackHttpOptions } from './slackDelivery';

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
    this.endpoint = chatPostMessageUrl(settings.apiUrl);
  }

  addressOf(person: Person): string | undefined {
    return person.slack;
  }

  async send(userId: string, message: ApprovalLinkMessage): Promise<void> {
    const body = { channel: userId, text: renderApprovalDirectMessage(message), unfurl_links: false };
    await postChatMessage(this.endpoint, this.settings.token, body, this.options);
  }
}
