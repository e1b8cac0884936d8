/**
 * Builds the adapters the worker and the tick need from their environment, once per cold start.
 * The registry token, when configured, is read from SSM like every other secret.
 *
 * @example
 *   const deps = await promotionDeps();
 *   await processEvent(event, deps);
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { readConfig } from '../config';
import { SlackResponder } from '../notify/slackResponder';
import { SnsNotifier } from '../notify/snsNotifier';
import { loadPolicySetFromEnv, policyFor } from '../policy/policySet';
import { createRegistry } from '../registry/createRegistry';
import { type SecretStore, SsmSecretStore } from '../secrets/secretStore';
import { DynamoPromotionStore } from '../store/dynamoPromotionStore';
import { type ApprovalLinks, noApprovalLinks, SignedApprovalLinks } from './approvalLinks';
import type { PromotionDeps } from './processEvent';

const configSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  MLFLOW_TRACKING_URI: z.string().check(z.minLength(1)),
  REGISTRY_FLAVOR: z._default(z.enum(['mlflow', 'databricks']), 'mlflow'),
  REGISTRY_TOKEN_PARAM: z.optional(z.string()),
  NOTIFICATIONS_TOPIC_ARN: z.optional(z.string()),
  APPROVAL_LINK_KEY_PARAM: z.optional(z.string()),
  /** The API's public URL, for signed approval links. */
  APPROVALS_BASE_URL: z.optional(z.string()),
});

export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export async function registryFromEnv(
  config: Pick<
    z.infer<typeof configSchema>,
    'REGISTRY_FLAVOR' | 'MLFLOW_TRACKING_URI' | 'REGISTRY_TOKEN_PARAM'
  >,
  secrets: SecretStore = new SsmSecretStore(new SSMClient({})),
) {
  const [token] = config.REGISTRY_TOKEN_PARAM ? await secrets.values(config.REGISTRY_TOKEN_PARAM) : [];
  return createRegistry({ flavor: config.REGISTRY_FLAVOR, trackingUri: config.MLFLOW_TRACKING_URI, token });
}

async function approvalLinksFromEnv(
  config: z.infer<typeof configSchema>,
  secrets: SecretStore,
): Promise<ApprovalLinks> {
  if (!config.APPROVAL_LINK_KEY_PARAM || !config.APPROVALS_BASE_URL) return noApprovalLinks;
  const [key] = await secrets.values(config.APPROVAL_LINK_KEY_PARAM);
  return key ? new SignedApprovalLinks(key, config.APPROVALS_BASE_URL) : noApprovalLinks;
}

export async function promotionDeps(): Promise<PromotionDeps & { config: z.infer<typeof configSchema> }> {
  const config = readConfig(configSchema);
  const policies = loadPolicySetFromEnv();
  // One SSM client for every secret the worker reads at cold start.
  const secrets = new SsmSecretStore(new SSMClient({}));
  return {
    config,
    responder: new SlackResponder(),
    approvalLinks: await approvalLinksFromEnv(config, secrets),
    registry: await registryFromEnv(config, secrets),
    store: new DynamoPromotionStore(documentClient(), config.TABLE_NAME),
    notifier: new SnsNotifier(new SNSClient({}), config.NOTIFICATIONS_TOPIC_ARN ?? ''),
    policyFor: (model) => policyFor(policies.policies, model),
    now: () => new Date(),
  };
}
