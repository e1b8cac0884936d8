/**
 * Every minute (EventBridge schedule): enqueues the deadlines that fell due (approval expiry),
 * found through the table's DueIndex, and the registry reconciler sweeps for versions Baton has
 * not seen (lost webhooks) and enqueues them.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { readConfig } from '../lib/config';
import { logger } from '../lib/log';
import { enqueueDueWork } from '../lib/promotion/dueWork';
import { type ReconcileOptions, reconcile } from '../lib/promotion/reconcile';
import { documentClient, registryFromEnv } from '../lib/promotion/wiring';
import { SqsEventQueue } from '../lib/queue/sqsEventQueue';
import { DynamoPromotionStore } from '../lib/store/dynamoPromotionStore';

const configSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  MLFLOW_TRACKING_URI: z.string().check(z.minLength(1)),
  REGISTRY_FLAVOR: z._default(z.enum(['mlflow', 'databricks']), 'mlflow'),
  REGISTRY_TOKEN_PARAM: z.optional(z.string()),
});

type TickDeps = Omit<ReconcileOptions, 'now'>;

async function tickDeps(): Promise<TickDeps> {
  const config = readConfig(configSchema);
  return {
    registry: await registryFromEnv(config),
    store: new DynamoPromotionStore(documentClient(), config.TABLE_NAME),
    queue: new SqsEventQueue(new SQSClient({}), config.PROMOTION_QUEUE_URL),
  };
}

let deps: Promise<TickDeps> | undefined;
export const handler = async (
  _event: ScheduledEvent,
): Promise<{ swept: number; enqueued: number; due: number }> => {
  deps ??= tickDeps();
  const ready = await deps;
  const now = new Date();
  const due = await enqueueDueWork({ store: ready.store, queue: ready.queue, now });
  const result = await reconcile({ ...ready, now });
  if (result.enqueued.length > 0) {
    logger.info('reconciler enqueued versions the webhooks missed', {
      versions: result.enqueued.map((e) => `${e.model} v${e.version}`),
    });
  }
  return { swept: result.swept, enqueued: result.enqueued.length, due: due.length };
};
