/**
 * The notifier's Slack adapter, chosen per notification from what SSM holds: a bot token first,
 * then an incoming-webhook URL, else the NoopNotifier. Choosing per call (the SecretStore caches
 * briefly) lets a secret be added or rotated without a deploy; it lives in wiring because choosing
 * is constructing.
 *
 * @example
 *   const notifier = slackNotifier(secretStore(), {
 *     botTokenParam: '/baton/prod/slack-bot-token', webhookUrlParam: '/baton/prod/slack-webhook-url',
 *     channel: '#ml-releases', apiUrl: 'https://slack.com/api',
 *   });
 *   await notifier.publish(notification);
 */
import { NoopNotifier } from '../adapters/notify/noopNotifier';
import {
  SlackBotNotifier,
  type SlackHttpOptions,
  SlackWebhookNotifier,
} from '../adapters/notify/slackDelivery';
import type { SecretStore } from '../adapters/secrets/secretStore';
import type { Notifier } from '../domain/ports';
import { artefactRowsOf } from './servingKinds';

export interface SlackSettings {
  /** SSM parameter names; empty or absent means "not configured". */
  botTokenParam?: string;
  webhookUrlParam?: string;
  channel: string;
  apiUrl?: string;
}

/**
 * Picks the Slack adapter from SSM: a bot token first, then a webhook URL, else the NoopNotifier.
 * The choice is made per notification (SecretStore caches for a minute), so adding or rotating a
 * secret takes effect without a deploy.
 *
 * @example
 *   const notifier = await chooseSlackNotifier(secrets, { botTokenParam: '/baton/dev/slack-bot-token', channel: '#ml' });
 */
export async function chooseSlackNotifier(
  secrets: SecretStore,
  settings: SlackSettings,
  options: SlackHttpOptions = {},
): Promise<Notifier> {
  // Approval requests show their pinned artefact by its serving kind's rows (the catalog's).
  const rendering = { artefactRows: artefactRowsOf, ...options };
  const [token] = settings.botTokenParam ? await secrets.values(settings.botTokenParam) : [];
  if (token)
    return new SlackBotNotifier({ token, channel: settings.channel, apiUrl: settings.apiUrl }, rendering);
  const [url] = settings.webhookUrlParam ? await secrets.values(settings.webhookUrlParam) : [];
  if (url) return new SlackWebhookNotifier(url, rendering);
  return new NoopNotifier(undefined, artefactRowsOf);
}

/**
 * A Notifier that delivers to whichever Slack adapter SSM configures at the time of the call.
 *
 * @example
 *   await slackNotifier(secrets, settings).publish(notification);
 */
export function slackNotifier(
  secrets: SecretStore,
  settings: SlackSettings,
  options: SlackHttpOptions = {},
): Notifier {
  return {
    async publish(n) {
      await (await chooseSlackNotifier(secrets, settings, options)).publish(n);
    },
  };
}
