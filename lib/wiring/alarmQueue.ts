/**
 * The alarm-queue consumer's composition: its configuration (the promotion queue, the SNS topics
 * whose alarms are accepted) and the adapters it runs with.
 *
 * @example
 *   const deps = alarmQueueDeps(); // reads PROMOTION_QUEUE_URL, ALLOWED_ALARM_TOPIC_ARNS (comma-separated)
 */
import * as z from 'zod/mini';
import type { AlarmQueueDeps } from '../app/acceptAlarm';
import { readConfig } from './config';
import { promotionQueue } from './ingressAdapters';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  ALLOWED_ALARM_TOPIC_ARNS: z.string(),
});

export function alarmQueueDeps(): AlarmQueueDeps {
  const config = readConfig(configSchema);
  return {
    queue: promotionQueue(config.PROMOTION_QUEUE_URL),
    allowedTopics: config.ALLOWED_ALARM_TOPIC_ARNS.split(',')
      .map((arn) => arn.trim())
      .filter(Boolean),
    now: () => new Date(),
  };
}
