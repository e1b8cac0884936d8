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
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { PromotionEvent } from '../events/promotionEvent';
import { DynamoDocuments, dynamoJsonClient } from '../lib/aws/dynamoDocuments';
import { resolvePoliciesDir } from '../lib/policy/policySet';
import type { ModelRegistry, PromotionStore } from '../lib/promotion/ports';
import type { EventQueue } from '../lib/queue/eventQueue';
import { SqsEventQueue } from '../lib/queue/sqsEventQueue';
import { createRegistry } from '../lib/registry/createRegistry';
import { DynamoPromotionStore } from '../lib/store/dynamoPromotionStore';

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
  /** Where the functions read their policies: the local stack's directory, else POLICIES_DIR (default policies/). */
  policiesDir: string;
}

/**
 * The store's DynamoDB client: the local stack's endpoint and credentials, or else the region and
 * credentials of the SDK's default chain (the CLI runs on an operator's machine, not in Lambda).
 */
function storeDocuments(
  aws: { endpoint?: string; region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } },
  env: NodeJS.ProcessEnv,
): DynamoDocuments {
  if (aws.endpoint && aws.region && aws.credentials) {
    return new DynamoDocuments(
      dynamoJsonClient(
        { region: aws.region, credentials: aws.credentials },
        { env: { AWS_ENDPOINT_URL: aws.endpoint } },
      ),
    );
  }
  // An SDK client only resolves the default chain; the signed client sends the requests.
  const sdk = new DynamoDBClient({});
  return new DynamoDocuments(
    dynamoJsonClient(
      { region: () => sdk.config.region(), credentials: () => sdk.config.credentials() },
      { env: aws.endpoint ? { ...env, AWS_ENDPOINT_URL: aws.endpoint } : env },
    ),
  );
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
  const aws = useLocal
    ? {
        endpoint: local.motoUrl,
        region: local.region,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }
    : {};
  const queueUrl = env.PROMOTION_QUEUE_URL ?? local.promotionQueueUrl ?? '';
  return {
    policiesDir: (useLocal ? local.policiesDir : undefined) ?? resolvePoliciesDir(env),
    store: new DynamoPromotionStore(storeDocuments(aws, env), table),
    queue: {
      enqueue: async (event: PromotionEvent) => {
        if (!queueUrl) throw new Error('set PROMOTION_QUEUE_URL, or run `npm start` first');
        await new SqsEventQueue(new SQSClient(aws), queueUrl).enqueue(event);
      },
    },
    registry: createRegistry({
      flavor: env.REGISTRY_FLAVOR === 'databricks' ? 'databricks' : 'mlflow',
      trackingUri,
      token: env.MLFLOW_TRACKING_TOKEN,
    }),
  };
}
