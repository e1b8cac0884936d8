/**
 * Where the CLI finds Baton's table and registry: the environment (as in AWS), or else the
 * `.baton/local.json` that `npm start` writes, so `npx baton status MODEL` works against the
 * local stack with no setup.
 *
 * | variable | meaning |
 * |---|---|
 * | TABLE_NAME | Baton's DynamoDB table |
 * | MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, REGISTRY_FLAVOR | the registry |
 * | PROMOTION_QUEUE_URL | where decisions are queued (approve, reject) |
 * | AWS_REGION, AWS_ENDPOINT_URL, AWS credentials | the AWS account (the SDK's default chain: environment, profile, SSO) |
 * | BATON_STATE_DIR | where `npm start` wrote local.json (default .baton) |
 *
 * @example
 *   const { store, registry } = cliContext();
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PromotionEvent } from '../events/promotionEvent';
import { resolvePoliciesDir } from '../lib/adapters/policy/policySet';
import { SqsDeadLetters } from '../lib/adapters/queue/sqsDeadLetters';
import { SqsEventQueue } from '../lib/adapters/queue/sqsEventQueue';
import { DynamoPromotionStore } from '../lib/adapters/store/dynamoPromotionStore';
import type { DeadLetterQueues } from '../lib/domain/deadLetterPorts';
import type { ModelRegistry, PromotionStore } from '../lib/domain/ports';
import type { EventQueue } from '../lib/domain/queuePorts';
import { registryFlavors } from '../lib/wiring/catalog';
import { createRegistry } from '../lib/wiring/createRegistry';
import { dynamoDocumentClient } from '../lib/wiring/dynamoClient';
import { sqsClient } from '../lib/wiring/sqsClient';

export interface LocalStackInfo {
  mlflowUrl: string;
  motoUrl: string;
  region: string;
  tableName: string;
  promotionQueueUrl: string;
  /** The policies directory the local functions read (absent in files written before it existed). */
  policiesDir?: string;
}

export function localStackInfoFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.BATON_STATE_DIR ?? '.baton', 'local.json');
}

export interface CliContext {
  store: PromotionStore;
  registry: ModelRegistry;
  queue: EventQueue;
  /** The deployment's dead-letter queues (`baton dlq`), found by the promotion queue's name prefix. */
  deadLetters: DeadLetterQueues;
  /** Where the functions read their policies: the local stack's directory, else POLICIES_DIR (default policies/). */
  policiesDir: string;
}

export function cliContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  const file = localStackInfoFile(env);
  const local: Partial<LocalStackInfo> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const table = env.TABLE_NAME ?? local.tableName;
  const trackingUri = env.MLFLOW_TRACKING_URI ?? local.mlflowUrl;
  if (!table || !trackingUri) {
    throw new Error('set TABLE_NAME and MLFLOW_TRACKING_URI (and AWS credentials), or run `npm start` first');
  }
  const useLocal = env.TABLE_NAME === undefined && local.motoUrl !== undefined;
  // The local stack's endpoint and credentials, or else the SDK's default chain (an operator's machine).
  const aws = useLocal
    ? {
        endpoint: local.motoUrl,
        region: local.region,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }
    : {};
  const queueUrl = env.PROMOTION_QUEUE_URL ?? local.promotionQueueUrl ?? '';
  return {
    deadLetters: deadLettersOf(queueUrl, sqsClient(aws)),
    policiesDir: (useLocal ? local.policiesDir : undefined) ?? resolvePoliciesDir(env),
    store: new DynamoPromotionStore(dynamoDocumentClient(aws), table),
    queue: {
      enqueue: async (event: PromotionEvent) => {
        if (!queueUrl) throw new Error('set PROMOTION_QUEUE_URL, or run `npm start` first');
        await new SqsEventQueue(sqsClient(aws), queueUrl).enqueue(event);
      },
    },
    // One retry, not the functions' three: during a registry outage `baton status` answers from
    // Baton's table within seconds instead of waiting out every backoff.
    registry: createRegistry(
      {
        // Any flavour of the catalog (mlflow, databricks, databricks-uc); unset or unknown: mlflow.
        flavor: registryFlavors.find((flavor) => flavor === env.REGISTRY_FLAVOR) ?? 'mlflow',
        trackingUri,
        token: env.MLFLOW_TRACKING_TOKEN,
      },
      { retries: 1 },
    ),
  };
}

/**
 * The dead-letter queues of the deployment whose promotion queue is `queueUrl`: every queue of the
 * stage shares its prefix (`baton-prod-promotion.fifo` → `baton-prod-`).
 */
function deadLettersOf(queueUrl: string, sqs: ReturnType<typeof sqsClient>): DeadLetterQueues {
  const name = queueUrl.split('/').pop() ?? '';
  const prefix = name.replace(/promotion\.fifo$/, '');
  if (!queueUrl || prefix === name) {
    const missing = async (): Promise<never> => {
      throw new Error(
        "set PROMOTION_QUEUE_URL (the stage's `…-promotion.fifo` queue), or run `npm start` first",
      );
    };
    return { queues: missing, peek: missing, redrive: missing };
  }
  return new SqsDeadLetters(sqs, prefix);
}
