/**
 * The catalog: one adapter factory per serving kind, retrain target kind and registry flavour,
 * each registered here once. Serving kinds and registry flavours are declared here, by their keys
 * (the policy's rollout.endpoint.kind is checked against `servingKinds`, lib/wiring/policySchema.ts);
 * retrain targets by the policy's `retrain.target` variants in lib/domain/policy.ts, and that table
 * is typed over them: a kind without a factory, or a factory for no kind, does not compile.
 *
 * A serving kind's entry is one object: its adapter factory and its pinned-artefact spec (the
 * artefact's fields, how a version resolves to it, how it is compared and shown), both owned by the
 * kind's adapter; an entry without both, or whose spec names another kind, does not compile. The
 * pure core gets the spec through the facts (gatherFacts, `artefactSpecFor`) and the renderers
 * through `artefactRowsOf`, so neither imports an adapter.
 *
 * Adding a serving kind is: its adapter file(s) in lib/adapters/serving (the adapter and its
 * `ArtefactSpec`), one entry in `servingCatalog` below, and its IAM in serverless.yml (README,
 * "Adding a serving kind"). Nothing in lib/domain or events/ names a kind.
 *
 * @example
 *   const serving = servingAdapters({ executionRoleArn, databricks })('sagemaker');
 *   const trigger = retrainCatalog.sqs({ kind: 'sqs', queueUrl }, { sqsClient });
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Artefact } from '../../events/artefact';
import { RegistryError } from '../adapters/registry/errors';
import { HttpClient } from '../adapters/registry/httpClient';
import { MlflowRegistry, type MlflowRegistryOptions } from '../adapters/registry/mlflowRegistry';
import { UnityCatalogRegistry } from '../adapters/registry/unityCatalogRegistry';
import { DatabricksJobRetrainTrigger } from '../adapters/retrain/databricksJobRetrain';
import { RetrainConfigError } from '../adapters/retrain/errors';
import { HttpRetrainTrigger } from '../adapters/retrain/httpRetrain';
import { SqsRetrainTrigger } from '../adapters/retrain/sqsRetrain';
import { databricksArtefact } from '../adapters/serving/databricksArtefact';
import { DatabricksEndpoint } from '../adapters/serving/databricksEndpoint';
import { ServingConfigurationError } from '../adapters/serving/errors';
import { noneArtefact } from '../adapters/serving/noneArtefact';
import { NoneEndpoint } from '../adapters/serving/noneEndpoint';
import { sageMakerArtefact } from '../adapters/serving/sagemakerArtefact';
import { SageMakerEndpoint } from '../adapters/serving/sagemakerEndpoint';
import { artefactRows } from '../domain/artefact';
import type { Policy, RetrainTarget, RetrainTargetKind } from '../domain/policy';
import type { ModelRegistry, SecretSource } from '../domain/ports';
import type { RetrainTrigger } from '../domain/retrainPorts';
import type { ArtefactRowsOf, ArtefactSpec, ServingEndpoint } from '../domain/servingPorts';
import { sageMakerClient } from './awsClients';

/** What a composition hands every serving factory (each takes what it needs, once per cold start). */
export interface ServingContext {
  /** The role SageMaker models run as (SAGEMAKER_EXECUTION_ROLE_ARN). */
  executionRoleArn?: string;
  /** An HTTP client on the Databricks workspace, with the registry token. */
  databricks: () => HttpClient;
}

/** One serving kind: what its rollouts pin (the adapter's spec) and how its adapter is built. */
export interface ServingEntry {
  readonly artefact: ArtefactSpec;
  build(context: ServingContext): ServingEndpoint;
}

/** Each entry's spec must be of its own key's kind (`sagemaker: { artefact: sageMakerArtefact, … }`). */
const servingEntries = <T extends { [K in keyof T]: ServingEntry & { artefact: { kind: K } } }>(
  entries: T,
): T => entries;

export const servingCatalog = servingEntries({
  sagemaker: {
    artefact: sageMakerArtefact,
    build: (context) =>
      new SageMakerEndpoint({ client: sageMakerClient(), executionRoleArn: context.executionRoleArn }),
  },
  databricks: {
    artefact: databricksArtefact,
    build: (context) => new DatabricksEndpoint({ http: context.databricks() }),
  },
  none: { artefact: noneArtefact, build: () => new NoneEndpoint() },
});

export type ServingKind = keyof typeof servingCatalog;
/** The serving kinds a policy may name, in the catalog's order (the order its refusals list them in). */
export const servingKinds = Object.keys(servingCatalog) as [ServingKind, ...ServingKind[]];

/** The catalog's entry for a kind a policy or a stored record names (a typed error for any other). */
function entryOf(kind: string): ServingEntry {
  if (!Object.hasOwn(servingCatalog, kind)) {
    throw new ServingConfigurationError(
      `no serving kind "${kind}" (the catalog has ${servingKinds.join(', ')})`,
    );
  }
  return servingCatalog[kind as ServingKind];
}

/**
 * The serving adapters by kind for one composition, each built on first use.
 *
 * @example
 *   const serving = servingAdapters({ executionRoleArn, databricks });
 *   serving('none').kind; // 'none'
 */
export function servingAdapters(context: ServingContext): (kind: string) => ServingEndpoint {
  const built = new Map<string, ServingEndpoint>();
  return (kind) => {
    if (!built.has(kind)) built.set(kind, entryOf(kind).build(context));
    return built.get(kind)!;
  };
}

/**
 * The pinned-artefact rules of the policy's serving kind; a policy without a rollout deploys
 * nothing, like a `none` endpoint. gatherFacts hands it to the pure core (`facts.artefactSpec`).
 *
 * @example
 *   artefactSpecFor(policy).resolve(version, policy.rollout?.endpoint ?? {});
 */
export function artefactSpecFor(policy: Policy): ArtefactSpec {
  return entryOf(policy.rollout?.endpoint.kind ?? 'none').artefact;
}

/**
 * The rows people see for a pinned artefact, by its own kind's spec: what the notifier, the SNS
 * text and the approval link's review page render. A record of a kind the catalog no longer has
 * still shows what it is.
 *
 * @example
 *   artefactRowsOf(state.artefact); // [['Image', 'ecr/f:7 (tag sagemaker.image)'], …]
 */
export const artefactRowsOf: ArtefactRowsOf = (artefact: Artefact) =>
  Object.hasOwn(servingCatalog, artefact.kind)
    ? artefactRows(entryOf(artefact.kind).artefact, artefact)
    : [['Serving kind', `${artefact.kind} (not known to this version of Baton)`]];

/**
 * Secrets and clients the retrain factories may need. The wiring passes each secret as a source
 * read at use time through the process's secret cache, so a rotation applies within its TTL.
 */
export interface RetrainDeps {
  /** Signs webhook bodies (httpRetrain.ts); required for `http` targets. */
  httpSecret?: string | SecretSource;
  /** The workspace URL and a token allowed to run the job; required for `databricks-job` targets. */
  databricksHost?: string;
  /** Read per request; a 401/403 re-reads it past the cache once (HttpClient). */
  databricksToken?: string | SecretSource;
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
    const token = deps.databricksToken;
    const http = new HttpClient({
      baseUrl: deps.databricksHost,
      auth:
        typeof token === 'string'
          ? { token }
          : async ({ fresh }) => {
              const value = await token({ fresh });
              if (!value) throw new RetrainConfigError('databricks-job', 'the Databricks token is empty');
              return { token: value };
            },
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
  token?: MlflowRegistryOptions['token'];
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
  // Unity Catalog: its own paths on the workspace origin; runs stay in the workspace's tracking server.
  'databricks-uc': ({ trackingUri, token }: RegistrySettings, tuning: RegistryTuning): ModelRegistry => {
    if (!token) {
      throw new RegistryError(
        'invalid registry configuration: the databricks-uc flavour needs a token (PAT)',
      );
    }
    if (tuning.basicAuth) {
      throw new RegistryError(
        'invalid registry configuration: databricks-uc takes a bearer token, not basic auth',
      );
    }
    const baseUrl = new URL(trackingUri).origin;
    const runs = new MlflowRegistry({ ...tuning, baseUrl, token });
    return new UnityCatalogRegistry({ ...tuning, baseUrl, token, runs });
  },
};

export type RegistryFlavor = keyof typeof registryCatalog;
export const registryFlavors = Object.keys(registryCatalog) as [RegistryFlavor, ...RegistryFlavor[]];

/**
 * How Baton hears of each flavour's new versions: `pushes` (webhooks, with the reconciler behind
 * them) or not, when the tick's poll intake is the intake (lib/app/pollIntake.ts), searching with
 * the `dialect`'s version search (lib/adapters/registry/versionFeed.ts). Typed over the catalog's
 * keys: a flavour without an entry does not compile.
 */
export const registryIntake: {
  [K in RegistryFlavor]: { pushes: boolean; dialect: 'mlflow' | 'unity-catalog' };
} = {
  mlflow: { pushes: true, dialect: 'mlflow' },
  databricks: { pushes: true, dialect: 'mlflow' },
  // Unity Catalog has no webhooks at all.
  'databricks-uc': { pushes: false, dialect: 'unity-catalog' },
};
