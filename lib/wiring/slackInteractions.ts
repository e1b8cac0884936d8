/**
 * The Slack interactions endpoint's composition: its configuration (the queue, the SSM name of
 * Slack's signing secret) and the adapters it runs with.
 *
 * @example
 *   const deps = slackInteractionsDeps(); // reads PROMOTION_QUEUE_URL, SLACK_SIGNING_SECRET_PARAM
 */
import * as z from 'zod/mini';
import type { SlackInteractionsDeps } from '../app/acceptSlackInteraction';
import { readConfig } from './config';
import { promotionQueue } from './ingressAdapters';
import { secretStore } from './secrets';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  SLACK_SIGNING_SECRET_PARAM: z.string().check(z.minLength(1)),
});

export function slackInteractionsDeps(): SlackInteractionsDeps {
  const config = readConfig(configSchema);
  return {
    queue: promotionQueue(config.PROMOTION_QUEUE_URL),
    secrets: secretStore(),
    signingSecretName: config.SLACK_SIGNING_SECRET_PARAM,
    now: () => new Date(),
  };
}
