/**
 * The two adapters every ingress function needs: the promotion queue it hands events to, and the
 * secret store its signing secrets and tokens come from, each on its official SDK client.
 *
 * @example
 *   const queue = promotionQueue(config.PROMOTION_QUEUE_URL);
 *   await secretStore().values('/baton/prod/mlflow-webhook-secrets');
 */

import { SqsEventQueue } from '../adapters/queue/sqsEventQueue';
import { SsmSecretStore } from '../adapters/secrets/secretStore';
import type { SecretStore } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';
import { sqsClient, ssmClient } from './awsClients';

export function promotionQueue(queueUrl: string): EventQueue {
  return new SqsEventQueue(sqsClient(), queueUrl);
}

let shared: SecretStore | undefined;

/** The process's one secret store: every secret is read through its one 60-second cache. */
export function secretStore(): SecretStore {
  shared ??= new SsmSecretStore(ssmClient());
  return shared;
}
