/**
 * Builds the adapters the worker and the tick need from their environment, once per cold start.
 * The registry token, when configured, is read from SSM like every other secret. Every AWS call
 * (DynamoDB, SNS, SQS, SSM, SageMaker, CloudWatch) goes through the small signed clients with the
 * region and credentials Lambda puts in the environment: no SDK client, whose shared core would be
 * most of the cold start.
 *
 * @example
 *   const deps = await promotionDeps();
 *   await processEvent(event, deps);
 */
import * as z from 'zod/mini';
import { DynamoDocuments, dynamoJsonClient } from '../aws/dynamoDocuments';
import { type AwsSigning, signingFromEnvironment } from '../aws/environmentSigning';
import { readConfig } from '../config';
import type { EndpointKind } from '../domain/effects';
import { CloudWatchAlarmReader, cloudWatchClient } from '../monitoring/cloudwatchAlarms';
import { SlackResponder } from '../notify/slackResponder';
import { SnsNotifier, snsClient } from '../notify/snsNotifier';
import { loadFunctionPolicies } from '../policy/compiledPolicies';
import { policyFor } from '../policy/policyLookup';
import { JsonSqsEventQueue } from '../queue/jsonSqsEventQueue';
import { createRegistry } from '../registry/createRegistry';
import { HttpClient } from '../registry/httpClient';
import { createRetrain } from '../retrain/createRetrain';
import { sqsJsonClient } from '../retrain/sqsRetrain';
import { type SecretStore, SsmSecretStore } from '../secrets/secretStore';
import { ssmClient } from '../secrets/ssmClient';
import { DatabricksEndpoint } from '../serving/databricksEndpoint';
import { NoneEndpoint } from '../serving/noneEndpoint';
import type { ServingEndpoint } from '../serving/ports';
import { SageMakerEndpoint, sageMakerClient } from '../serving/sagemakerEndpoint';
import { DynamoModelLedger } from '../store/dynamoModelLedger';
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
  /** Where routed alerts and superseding aborts are handed on. */
  PROMOTION_QUEUE_URL: z.optional(z.string()),
  SAGEMAKER_EXECUTION_ROLE_ARN: z.optional(z.string()),
  /** Signs the bodies Baton posts to HTTP retraining targets. */
  RETRAIN_SIGNING_KEY_PARAM: z.optional(z.string()),
});

/** The serving adapters by endpoint kind, built on first use. */
function servingAdapters(
  config: z.infer<typeof configSchema>,
  signing: AwsSigning,
  databricks: () => HttpClient,
): (kind: EndpointKind) => ServingEndpoint {
  const built = new Map<EndpointKind, ServingEndpoint>();
  const build = (kind: EndpointKind): ServingEndpoint => {
    if (kind === 'sagemaker') {
      return new SageMakerEndpoint({
        client: sageMakerClient(signing),
        executionRoleArn: config.SAGEMAKER_EXECUTION_ROLE_ARN,
      });
    }
    if (kind === 'databricks') return new DatabricksEndpoint({ http: databricks() });
    return new NoneEndpoint();
  };
  return (kind) => {
    if (!built.has(kind)) built.set(kind, build(kind));
    return built.get(kind)!;
  };
}

export async function registryFromEnv(
  config: Pick<
    z.infer<typeof configSchema>,
    'REGISTRY_FLAVOR' | 'MLFLOW_TRACKING_URI' | 'REGISTRY_TOKEN_PARAM'
  >,
  secrets: SecretStore,
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
  const policies = await loadFunctionPolicies();
  const signing = signingFromEnvironment();
  const db = new DynamoDocuments(dynamoJsonClient(signing));
  // One SSM client for every secret the worker reads at cold start.
  const secrets = new SsmSecretStore(ssmClient(signing));
  const store = new DynamoPromotionStore(db, config.TABLE_NAME);
  const [registryToken] = config.REGISTRY_TOKEN_PARAM
    ? await secrets.values(config.REGISTRY_TOKEN_PARAM)
    : [];
  const [retrainKey] = config.RETRAIN_SIGNING_KEY_PARAM
    ? await secrets.values(config.RETRAIN_SIGNING_KEY_PARAM)
    : [];
  const databricks = () =>
    new HttpClient({
      baseUrl: config.MLFLOW_TRACKING_URI,
      ...(registryToken && { auth: { token: registryToken } }),
    });
  const exactModels = policies.policies.map((p) => p.policy.model).filter((m) => !m.includes('*'));
  const sqs = sqsJsonClient(signing);
  return {
    config,
    responder: new SlackResponder(),
    approvalLinks: await approvalLinksFromEnv(config, secrets),
    registry: createRegistry({
      flavor: config.REGISTRY_FLAVOR,
      trackingUri: config.MLFLOW_TRACKING_URI,
      token: registryToken,
    }),
    store,
    notifier: new SnsNotifier(snsClient(signing), config.NOTIFICATIONS_TOPIC_ARN ?? ''),
    policyFor: (model) => policyFor(policies.policies, model),
    now: () => new Date(),
    ledger: new DynamoModelLedger(db, config.TABLE_NAME),
    serving: servingAdapters(config, signing, databricks),
    alarms: new CloudWatchAlarmReader(cloudWatchClient(signing)),
    retrain: (policy) =>
      createRetrain(policy.retrain!.target, {
        httpSecret: retrainKey,
        databricksHost: config.MLFLOW_TRACKING_URI,
        databricksToken: registryToken,
        sqsClient: sqs,
      }),
    ...(config.PROMOTION_QUEUE_URL && { queue: new JsonSqsEventQueue(sqs, config.PROMOTION_QUEUE_URL) }),
    knownModels: async () => [
      ...new Set([...exactModels, ...(await store.listChampions()).map((c) => c.model)]),
    ],
  };
}
