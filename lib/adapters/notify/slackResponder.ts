/**
 * Answers a Slack interaction through its response_url: the original message is replaced with
 * the outcome once the request is closed, or a follow-up is posted while it stays open.
 *
 * @example
 *   await new SlackResponder().respond(event.responseUrl, 'Approved by U024BE7LH', true);
 */
import type { Responder } from '../../domain/ports';
import { RespondError } from './errors';

export class SlackResponder implements Responder {
  constructor(private readonly fetchImpl: typeof fetch = fetch) {}

  async respond(url: string, text: string, replace = false): Promise<void> {
    // response_url only ever points at Slack; refuse anything else rather than post elsewhere.
    const host = new URL(url).hostname;
    if (
      !/(^|\.)slack\.com$/.test(host) &&
      process.env.SLACK_RESPONSE_HOSTS?.split(',').includes(host) !== true
    ) {
      throw new Error(`refusing to respond to ${host}: not a Slack host`);
    }
    const response = await this.fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        replace
          ? { replace_original: true, text }
          : { replace_original: false, response_type: 'in_channel', text },
      ),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new RespondError(response.status);
  }
}
