/**
 * Builds the adapters the worker and the tick need from their environment, once per cold start.
 * Secrets are not read here but where they are used, through the process's one secret cache
 * (60 s): the registry token per request, the approval-link key per link, the Slack bot token per
 * direct message, the retrain signing key and Databricks token per retrain, so rotating any of
 * them applies within a minute without a cold start. Every AWS call
 * (DynamoDB, SNS, SQS, SSM, SageMaker, CloudWatch, SES) goes through the official SDK clients that
 * lib/wiring/awsClients.ts configures, one client per service.
 *
 * @example
 *   const deps = await promotionDeps();
 *   await processEvent(event, deps);
 */
import * as z from 'zod/mini';
import {
  type LinkChannel,
  NoEmailChannel,
  PersonalApprovalDelivery,
} from '../adapters/notify/approvalLinkDelivery';
import { DynamoDeliveryLedger } from '../adapters/notify/idempotency';
import { SlackResponder } from '../adapters/notify/slackResponder';
import { policyFor } from '../adapters/policy/policyLookup';
import { type SecretStore, secretSource } from '../adapters/secrets/secretStore';
import { DynamoModelLedger } from '../adapters/store/dynamoModelLedger';
import { DynamoPromotionStore } from '../adapters/store/dynamoPromotionStore';
import type { DynamoDocuments } from '../adapters/store/dynamoTable';
import {
  type ApprovalDelivery,
  type ApprovalLinks,
  noApprovalDelivery,
  noApprovalLinks,
  SignedApprovalLinks,
} from '../app/approvalLinks';
import { copiesNotConfigured, type PromotionDeps, queueNotConfigured } from '../app/promotionDeps';
import type { PeopleDirectory } from '../domain/people';
import { artefactSpecFor, registryFlavors, servingAdapters } from './catalog';
import { readConfig } from './config';
import { createRegistry } from './createRegistry';
import { createRetrain } from './createRetrain';
import {
  DeferredAlarmReader,
  DeferredCanaryMetrics,
  DeferredCopyRequests,
  DeferredEventQueue,
  DeferredLinkChannel,
  DeferredNotifier,
  onFirstUse,
} from './deferred';
import { dynamoDocumentClient } from './dynamoClient';
import { loadFunctionPolicies } from './functionPolicies';
import { databricksWorkspace, registryTokenFrom } from './registryAccess';
import { secretStore } from './secrets';

const configSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  MLFLOW_TRACKING_URI: z.string().check(z.minLength(1)),
  REGISTRY_FLAVOR: z._default(z.enum(registryFlavors), 'mlflow'),
  REGISTRY_TOKEN_PARAM: z.optional(z.string()),
  NOTIFICATIONS_TOPIC_ARN: z.optional(z.string()),
  APPROVAL_LINK_KEY_PARAM: z.optional(z.string()),
  /** The API's public URL, for signed approval links. */
  APPROVALS_BASE_URL: z.optional(z.string()),
  /** The SES sender identity approval links are e-mailed from; unset: no e-mail. */
  APPROVAL_EMAIL_FROM: z.optional(z.string()),
  /** An SES configuration set for those e-mails (sending events, suppression). */
  APPROVAL_EMAIL_CONFIGURATION_SET: z.optional(z.string()),
  /** Put before the e-mail's subject, e.g. `[prod] `. */
  APPROVAL_EMAIL_SUBJECT_PREFIX: z.optional(z.string()),
  /** The notifier's bot token, for approval links by Slack direct message; unset: no DMs. */
  SLACK_BOT_TOKEN_PARAM: z.optional(z.string()),
  SLACK_API_URL: z._default(z.url(), 'https://slack.com/api'),
  /** Where routed alerts and superseding aborts are handed on. */
  PROMOTION_QUEUE_URL: z.optional(z.string()),
  SAGEMAKER_EXECUTION_ROLE_ARN: z.optional(z.string()),
  /** Signs the bodies Baton posts to HTTP retraining targets. */
  RETRAIN_SIGNING_KEY_PARAM: z.optional(z.string()),
  /** Where verified copies are handed on: the copier function's queue (lib/wiring/copier.ts). */
  COPY_QUEUE_URL: z.optional(z.string()),
});

/** Links signed with the key read per link through the secret cache (a rotation signs within its TTL). */
function approvalLinksFromEnv(config: z.infer<typeof configSchema>, secrets: SecretStore): ApprovalLinks {
  if (!config.APPROVAL_LINK_KEY_PARAM || !config.APPROVALS_BASE_URL) return noApprovalLinks;
  return new SignedApprovalLinks(
    secretSource(secrets, config.APPROVAL_LINK_KEY_PARAM),
    config.APPROVALS_BASE_URL,
  );
}

/** Each approver's link by e-mail (SES, when a sender is configured) or Slack DM, once per approver and request. */
function approvalDeliveryFromEnv(
  config: z.infer<typeof configSchema>,
  secrets: SecretStore,
  db: DynamoDocuments,
  people: PeopleDirectory,
): ApprovalDelivery {
  const links = approvalLinksFromEnv(config, secrets);
  if (links === noApprovalLinks) return noApprovalDelivery;
  const channels: LinkChannel[] = [];
  if (config.APPROVAL_EMAIL_FROM) {
    const settings = {
      from: config.APPROVAL_EMAIL_FROM,
      configurationSetName: config.APPROVAL_EMAIL_CONFIGURATION_SET || undefined,
      subjectPrefix: config.APPROVAL_EMAIL_SUBJECT_PREFIX,
    };
    // SES and its client are loaded with the first e-mail (deferred.ts).
    channels.push(
      new DeferredLinkChannel(
        'email',
        (person) => person.email,
        onFirstUse(async () => (await import('./onDemand/ses')).sesApprovalMail(settings)),
      ),
    );
  } else channels.push(new NoEmailChannel());
  // The bot token is read per direct message through the secret cache (a rotation applies within its TTL).
  if (config.SLACK_BOT_TOKEN_PARAM) {
    const settings = {
      token: secretSource(secrets, config.SLACK_BOT_TOKEN_PARAM),
      apiUrl: config.SLACK_API_URL,
    };
    // The Slack sender and its message renderers are loaded with the first direct message (deferred.ts).
    channels.push(
      new DeferredLinkChannel(
        'slack',
        (person) => person.slack,
        onFirstUse(async () => (await import('./onDemand/slack')).slackDirectMessages(settings)),
      ),
    );
  }
  const ledger = new DynamoDeliveryLedger(db, config.TABLE_NAME, { destination: 'APPROVAL_LINK' });
  return new PersonalApprovalDelivery({ links, channels, ledger, people });
}

export async function promotionDeps(): Promise<PromotionDeps & { config: z.infer<typeof configSchema> }> {
  const config = readConfig(configSchema);
  const policies = await loadFunctionPolicies();
  const db = dynamoDocumentClient();
  // The process's one secret store: every secret is read through its one short-lived cache.
  const secrets = secretStore();
  const store = new DynamoPromotionStore(db, config.TABLE_NAME);
  const registryToken = await registryTokenFrom(config.REGISTRY_TOKEN_PARAM, secrets);
  const optional = (param: string | undefined) => (param ? secretSource(secrets, param) : undefined);
  const retrainKey = optional(config.RETRAIN_SIGNING_KEY_PARAM);
  const jobToken = optional(config.REGISTRY_TOKEN_PARAM);
  const databricks = databricksWorkspace(config.MLFLOW_TRACKING_URI, registryToken);
  const exactModels = policies.policies.map((p) => p.policy.model).filter((m) => !m.includes('*'));
  const { PROMOTION_QUEUE_URL: promotionQueueUrl, COPY_QUEUE_URL: copyQueueUrl } = config;
  const queues = () => import('./onDemand/sqs');
  return {
    config,
    responder: new SlackResponder(),
    // The people directory resolves approvers to their e-mail and Slack id.
    approvalDelivery: approvalDeliveryFromEnv(config, secrets, db, policies.people),
    registry: createRegistry({
      flavor: config.REGISTRY_FLAVOR,
      trackingUri: config.MLFLOW_TRACKING_URI,
      token: registryToken,
    }),
    store,
    // SNS and the text renderers are loaded with the first notification (deferred.ts).
    notifier: new DeferredNotifier(
      onFirstUse(async () =>
        (await import('./onDemand/sns')).snsNotifier(config.NOTIFICATIONS_TOPIC_ARN ?? ''),
      ),
    ),
    policyFor: (model) => policyFor(policies.policies, model),
    people: policies.people,
    now: () => new Date(),
    ledger: new DynamoModelLedger(db, config.TABLE_NAME),
    // The catalog's adapter per serving kind (catalog.ts), each built on first use.
    serving: servingAdapters({ executionRoleArn: config.SAGEMAKER_EXECUTION_ROLE_ARN, databricks }),
    artefactSpec: artefactSpecFor,
    // CloudWatch's readers are loaded when a canary first bakes (deferred.ts). Canary analysis:
    // SageMaker's variants from CloudWatch, Databricks's served entities from the minutes the tick
    // recorded of its metrics export; other kinds answer "no metrics source" (onDemand/cloudwatch.ts).
    alarms: new DeferredAlarmReader(
      onFirstUse(async () => (await import('./onDemand/cloudwatch')).alarmReader()),
    ),
    canaryMetrics: new DeferredCanaryMetrics(
      onFirstUse(async () => (await import('./onDemand/cloudwatch')).canaryMetrics()),
    ),
    retrain: (policy) =>
      createRetrain(policy.retrain!.target, {
        // Each secret read when a retrain is triggered, through the secret cache (rotation applies within its TTL).
        httpSecret: retrainKey,
        databricksHost: config.MLFLOW_TRACKING_URI,
        databricksToken: jobToken,
      }),
    // SQS is loaded with the first event, copy or retrain handed on (deferred.ts).
    queue: promotionQueueUrl
      ? new DeferredEventQueue(onFirstUse(async () => (await queues()).eventQueue(promotionQueueUrl)))
      : queueNotConfigured,
    knownModels: async () => [
      ...new Set([...exactModels, ...(await store.listChampions()).map((c) => c.model)]),
    ],
    copies: copyQueueUrl
      ? new DeferredCopyRequests(onFirstUse(async () => (await queues()).copyRequests(copyQueueUrl)))
      : copiesNotConfigured,
  };
}
