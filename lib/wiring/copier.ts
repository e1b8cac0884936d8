/**
 * The copier's composition: the stage's environments (environments.ts) with the registry Baton
 * listens to and its token, the copy progress, the audit ledger and the notifications topic on
 * Baton's table and topic, and the copy queue for the rest of a copy that runs out of time.
 *
 * @example
 *   const deps = await copierDeps(); // reads TABLE_NAME, COPY_QUEUE_URL, REGISTRIES, …
 *   await runCopyJob(job, deps);
 */
import * as z from 'zod/mini';
import { DynamoCopyProgress } from '../adapters/store/dynamoCopyProgress';
import { DynamoModelLedger } from '../adapters/store/dynamoModelLedger';
import type { CopyJobDeps } from '../app/copyJob';
import { readConfig } from './config';
import { DeferredCopyRequests, DeferredNotifier, onFirstUse } from './deferred';
import { dynamoDocumentClient } from './dynamoClient';
import { environmentsFromEnv } from './environments';
import { registryFromEnv } from './registryAccess';
import { registryFlavors } from './registryCatalog';
import { secretStore } from './secrets';

const configSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  COPY_QUEUE_URL: z.string().check(z.minLength(1)),
  NOTIFICATIONS_TOPIC_ARN: z.optional(z.string()),
  MLFLOW_TRACKING_URI: z.string().check(z.minLength(1)),
  REGISTRY_FLAVOR: z._default(z.enum(registryFlavors), 'mlflow'),
  REGISTRY_TOKEN_PARAM: z.optional(z.string()),
  REGISTRY_NAME: z.optional(z.string()),
  REGISTRIES: z.optional(z.string()),
  REGISTRIES_TOKEN_PARAM: z.optional(z.string()),
  COPY_BUDGET_SECONDS: z.optional(z.string()),
});

export async function copierDeps(): Promise<CopyJobDeps> {
  const config = readConfig(configSchema);
  const secrets = secretStore();
  const db = dynamoDocumentClient();
  const registry = await registryFromEnv(config, secrets);
  return {
    environments: environmentsFromEnv(config, secrets, registry),
    copyProgress: new DynamoCopyProgress(db, config.TABLE_NAME),
    ledger: new DynamoModelLedger(db, config.TABLE_NAME),
    // A copy notifies only when its digests differ, and queues its rest only when it outlasts its
    // budget: SNS and SQS are loaded then (deferred.ts).
    notifier: new DeferredNotifier(
      onFirstUse(async () =>
        (await import('./onDemand/sns')).snsNotifier(config.NOTIFICATIONS_TOPIC_ARN ?? ''),
      ),
    ),
    requests: new DeferredCopyRequests(
      onFirstUse(async () => (await import('./onDemand/sqs')).copyRequests(config.COPY_QUEUE_URL)),
    ),
    now: () => new Date(),
  };
}
