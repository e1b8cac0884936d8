/**
 * The catalog: one adapter factory per serving kind, retrain target kind and registry flavour,
 * each registered here once. The names are declared where their settings are (serving kinds by
 * their pinned artefact in events/artefact.ts, retrain targets by the policy's `retrain.target`
 * variants in lib/domain/policy.ts, registry flavours by the keys below), and each table is typed
 * over those names: a kind without a factory, or a factory for no kind, does not compile.
 *
 * Adding a serving kind is: its adapter file in lib/adapters/serving, one entry in `servingCatalog`
 * below, its pinned-artefact variant and rules (events/artefact.ts, lib/domain/artefact.ts) and its
 * IAM in serverless.yml (README, "Adding a serving kind").
 *
 * @example
 *   const serving = servingAdapter('sagemaker', { executionRoleArn, databricks });
 *   const trigger = retrainCatalog.sqs({ kind: 'sqs', queueUrl }, { sqsClient });
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ServingKind } from '../../events/artefact';
import { RegistryError } from '../adapters/registry/errors';
import { HttpClient } from '../adapters/registry/httpClient';
import { MlflowRegistry, type MlflowRegistryOptions } from '../adapters/registry/mlflowRegistry';
import { DatabricksJobRetrainTrigger } from '../adapters/retrain/databricksJobRetrain';
import { RetrainConfigError } from '../adapters/retrain/errors';
import { HttpRetrainTrigger } from '../adapters/retrain/httpRetrain';
import { SqsRetrainTrigger } from '../adapters/retrain/sqsRetrain';
import { DatabricksEndpoint } from '../adapters/serving/databricksEndpoint';
import { NoneEndpoint } from '../adapters/serving/noneEndpoint';
import { SageMakerEndpoint } from '../adapters/serving/sagemakerEndpoint';
import type { RetrainTarget, RetrainTargetKind } from '../domain/policy';
import type { ModelRegistry } from '../domain/ports';
import type { RetrainTrigger } from '../domain/retrainPorts';
import type { ServingEndpoint } from '../domain/servingPorts';
import { sageMakerClient } from './awsClients';

/** What a composition hands every serving factory (each takes what it needs, once per cold start). */
export interface ServingContext {
  /** The role SageMaker models run as (SAGEMAKER_EXECUTION_ROLE_ARN). */
  executionRoleArn?: string;
  /** An HTTP client on the Databricks workspace, with the registry token. */
  databricks: () => HttpClient;
}

export const servingCatalog: { [K in ServingKind]: (context: ServingContext) => ServingEndpoint } = {
  sagemaker: (context) =>
    new SageMakerEndpoint({ client: sageMakerClient(), executionRoleArn: context.executionRoleArn }),
  databricks: (context) => new DatabricksEndpoint({ http: context.databricks() }),
  none: () => new NoneEndpoint(),
};

/**
 * The serving adapters by kind for one composition, each built on first use.
 *
 * @example
 *   const serving = servingAdapters({ executionRoleArn, databricks });
 *   serving('none').kind; // 'none'
 */
export function servingAdapters(context: ServingContext): (kind: ServingKind) => ServingEndpoint {
  const built = new Map<ServingKind, ServingEndpoint>();
  return (kind) => {
    if (!built.has(kind)) built.set(kind, servingCatalog[kind](context));
    return built.get(kind)!;
  };
}

/** Secrets and clients the retrain factories may need (the wiring reads them once per cold start). */
export interface RetrainDeps {
  /** Signs webhook bodies (httpRetrain.ts); required for `http` targets. */
  httpSecret?: string;
  /** The workspace URL and a token allowed to run the job; required for `databricks-job` targets. */
  databricksHost?: string;
  databricksToken?: string;
  /** The official SQS client (lib/wiring/awsClients.ts `sqsClient`); required for `sqs` targets. */
  sqsClient?: Pick<SQSClient, 'send'>;
  /** Passed to the HTTP clients (tests). */
  fetch?: typeof globalThis.fetch;
}

type RetrainFactory<K extends RetrainTargetKind> = (
  target: Extract<RetrainTarget, { kind: K }>,
  deps: RetrainDeps,
) => RetrainTrigger;

export const retrainCatalog: { [K in RetrainTargetKind]: RetrainFactory<K> } = {
  http: (target, deps) => {
    if (!deps.httpSecret) throw new RetrainConfigError('http', 'no webhook signing secret');
    return new HttpRetrainTrigger({ url: target.url, secret: deps.httpSecret, fetch: deps.fetch });
  },
  sqs: (target, deps) => {
    if (!deps.sqsClient) throw new RetrainConfigError('sqs', 'no SQS client');
    return new SqsRetrainTrigger(deps.sqsClient, target.queueUrl);
  },
  'databricks-job': (target, deps) => {
    if (!deps.databricksHost || !deps.databricksToken) {
      throw new RetrainConfigError('databricks-job', 'no Databricks host and token');
    }
    const http = new HttpClient({
      baseUrl: deps.databricksHost,
      auth: { token: deps.databricksToken },
      fetch: deps.fetch,
    });
    return new DatabricksJobRetrainTrigger(http, target.jobId);
  },
};

/** Timeouts, retries, an injected fetch or basic auth, passed through to MlflowRegistry. */
export type RegistryTuning = Omit<MlflowRegistryOptions, 'baseUrl' | 'token'>;

/** A registry flavour's settings, already validated (createRegistry.ts). */
export interface RegistrySettings {
  trackingUri: string;
  token?: string;
}

/** The registry flavours, declared here by their keys (createRegistry.ts builds its z.enum from them). */
export const registryCatalog = {
  mlflow: ({ trackingUri, token }: RegistrySettings, tuning: RegistryTuning): ModelRegistry =>
    new MlflowRegistry({ ...tuning, baseUrl: trackingUri, token }),
  // Databricks serves the same MLflow REST paths under the workspace origin, with a bearer token.
  databricks: ({ trackingUri, token }: RegistrySettings, tuning: RegistryTuning): ModelRegistry => {
    if (!token) {
      throw new RegistryError('invalid registry configuration: the databricks flavour needs a token (PAT)');
    }
    if (tuning.basicAuth) {
      throw new RegistryError(
        'invalid registry configuration: databricks takes a bearer token, not basic auth',
      );
    }
    return new MlflowRegistry({ ...tuning, baseUrl: new URL(trackingUri).origin, token });
  },
};

export type RegistryFlavor = keyof typeof registryCatalog;
export const registryFlavors = Object.keys(registryCatalog) as [RegistryFlavor, ...RegistryFlavor[]];
