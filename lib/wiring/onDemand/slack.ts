/**
 * Approval links by Slack direct message: imported on first use (lib/wiring/deferred.ts), only
 * when a link goes to someone's Slack, with the Slack message renderers it shares with the notifier.
 */
import {
  type SlackDirectMessageSettings,
  SlackDirectMessages,
} from '../../adapters/notify/slackDirectMessages';

export function slackDirectMessages(settings: SlackDirectMessageSettings): SlackDirectMessages {
  return new SlackDirectMessages(settings);
}
