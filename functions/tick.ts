/**
 * Every minute (EventBridge schedule): enqueues the deadlines that fell due (approval expiry),
 * found through the table's DueIndex; the registry reconciler sweeps for versions Baton has
 * not seen (lost webhooks) and for champion aliases that differ from Baton's champions, and
 * enqueues them.
 */
import type { ScheduledEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { sqsClient, ssmClient } from '../lib/adapters/aws/awsClients';
import { dynamoDocumentClient } from '../lib/adapters/aws/dynamoClient';
import { loadFunctionPolicies } from '../lib/adapters/policy/compiledPolicies';
import { policyFor } from '../lib/adapters/policy/policyLookup';
import { SqsEventQueue } from '../lib/adapters/queue/sqsEventQueue';
import { SsmSecretStore } from '../lib/adapters/secrets/secretStore';
import { DynamoPromotionStore } from '../lib/adapters/store/dynamoPromotionStore';
import { enqueueDueWork } from '../lib/app/dueWork';
import { type ReconcileOptions, reconcile } from '../lib/app/reconcile';
import { reconcileChampions } from '../lib/app/reconcileChampions';
import type { Policy } from '../lib/domain/policy';
import { logger } from '../lib/log';
import { readConfig } from '../lib/wiring/config';
import { registryFromEnv } from '../lib/wiring/promotion';

const configSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  MLFLOW_TRACKING_URI: z.string().check(z.minLength(1)),
  REGISTRY_FLAVOR: z._default(z.enum(['mlflow', 'databricks']), 'mlflow'),
  REGISTRY_TOKEN_PARAM: z.optional(z.string()),
  /** Versions younger than this are left to their webhook (seconds). */
  RECONCILER_MIN_AGE_SECONDS: z._default(z.pipe(z.string().check(z.regex(/^\d+$/)), z.transform(Number)), 60),
});

type TickDeps = Omit<ReconcileOptions, 'now'> & { policyFor(model: string): Policy | undefined };

async function tickDeps(): Promise<TickDeps> {
  const config = readConfig(configSchema);
  const policies = await loadFunctionPolicies();
  return {
    registry: await registryFromEnv(config, new SsmSecretStore(ssmClient())),
    store: new DynamoPromotionStore(dynamoDocumentClient(), config.TABLE_NAME),
    queue: new SqsEventQueue(sqsClient(), config.PROMOTION_QUEUE_URL),
    policyFor: (model) => policyFor(policies.policies, model),
    minAgeMs: config.RECONCILER_MIN_AGE_SECONDS * 1000,
  };
}

let deps: Promise<TickDeps> | undefined;
export const handler = async (
  _event: ScheduledEvent,
): Promise<{ swept: number; enqueued: number; due: number; aliases: number }> => {
  deps ??= tickDeps();
  const ready = await deps;
  const now = new Date();
  const due = await enqueueDueWork({ store: ready.store, queue: ready.queue, now });
  const result = await reconcile({ ...ready, now });
  const aliases = await reconcileChampions({ ...ready, now });
  if (result.enqueued.length > 0) {
    logger.info('reconciler enqueued versions the webhooks missed', {
      versions: result.enqueued.map((e) => `${e.model} v${e.version}`),
    });
  }
  if (aliases.length > 0) {
    logger.info('champion aliases differ from Baton’s champions', { models: aliases.map((e) => e.model) });
  }
  return { swept: result.swept, enqueued: result.enqueued.length, due: due.length, aliases: aliases.length };
};
