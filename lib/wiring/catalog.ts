/**
 * The catalog: one adapter factory per serving kind, retrain target kind and registry flavour,
 * each registered here once. Serving kinds are declared by their keys in servingKinds.ts (the
 * policy's rollout.endpoint.kind is checked against `servingKinds`, lib/wiring/policySchema.ts),
 * registry flavours in registryCatalog.ts, retrain targets by the policy's `retrain.target` variants
 * in lib/domain/policy.ts; each table here is typed over them: a kind without a factory, or a
 * factory for no kind, does not compile.
 *
 * A serving kind's entry is one object: its adapter factory and its pinned-artefact spec (the
 * artefact's fields, how a version resolves to it, how it is compared and shown), both owned by the
 * kind's adapter; an entry without both, or whose spec names another kind, does not compile. The
 * kinds themselves and their specs are declared in servingKinds.ts (which imports no adapter, so
 * the functions that only read policies or render artefacts do not bundle the serving adapters);
 * `servingCatalog` is typed over them, so a kind without a factory does not compile either. The
 * pure core gets the spec through the facts (gatherFacts, `artefactSpecFor`) and the renderers
 * through `artefactRowsOf`, so neither imports an adapter. The registry flavours are in
 * registryCatalog.ts, for the same reason (re-exported here).
 *
 * Adding a serving kind is: its adapter file(s) in lib/adapters/serving (the adapter and its
 * `ArtefactSpec`), one entry in servingKinds.ts's `artefactSpecs`, one in `servingCatalog` below,
 * and its IAM in serverless.yml (README, "Adding a serving kind"). Nothing in lib/domain or events/
 * names a kind.
 *
 * @example
 *   const serving = servingAdapters({ executionRoleArn, databricks })('sagemaker');
 *   const trigger = retrainCatalog.sqs({ kind: 'sqs', queueUrl }, { sqsClient });
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { HttpClient } from '../adapters/registry/httpClient';
import { DatabricksJobRetrainTrigger } from '../adapters/retrain/databricksJobRetrain';
import { RetrainConfigError } from '../adapters/retrain/errors';
import { HttpRetrainTrigger } from '../adapters/retrain/httpRetrain';
import { databricksArtefact } from '../adapters/serving/databricksArtefact';
import { noneArtefact } from '../adapters/serving/noneArtefact';
import { NoneEndpoint } from '../adapters/serving/noneEndpoint';
import { sageMakerArtefact } from '../adapters/serving/sagemakerArtefact';
import type { RetrainTarget, RetrainTargetKind } from '../domain/policy';
import type { SecretSource } from '../domain/ports';
import type { RetrainTrigger } from '../domain/retrainPorts';
import type { ArtefactSpec, ServingEndpoint } from '../domain/servingPorts';
import { DeferredRetrainTrigger, DeferredServingEndpoint, onFirstUse } from './deferred';
import { type artefactSpecs, type ServingKind, servingKindOf } from './servingKinds';

export {
  type RegistryFlavor,
  type RegistrySettings,
  type RegistryTuning,
  registryCatalog,
  registryFlavors,
  registryIntake,
} from './registryCatalog';
export { artefactRowsOf, artefactSpecFor, type ServingKind, servingKinds } from './servingKinds';

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

/** One entry per serving kind of servingKinds.ts, each with its own kind's spec. */
type ServingEntries = { [K in ServingKind]: ServingEntry & { artefact: (typeof artefactSpecs)[K] } };

// The specs are imported, not read off `artefactSpecs`: an object of plain references is one esbuild
// can drop from a bundle that never builds an adapter (a property read is not provably pure).
export const servingCatalog: ServingEntries = {
  sagemaker: {
    artefact: sageMakerArtefact,
    // The serving adapters are loaded on first use (deferred.ts): most invocations roll nothing out.
    build: (context) =>
      new DeferredServingEndpoint(
        'sagemaker',
        onFirstUse(async () =>
          (await import('./onDemand/sagemaker')).sageMakerEndpoint(context.executionRoleArn),
        ),
      ),
  },
  databricks: {
    artefact: databricksArtefact,
    build: (context) =>
      new DeferredServingEndpoint(
        'databricks',
        onFirstUse(async () =>
          (await import('./onDemand/databricks')).databricksEndpoint(context.databricks()),
        ),
      ),
  },
  none: { artefact: noneArtefact, build: () => new NoneEndpoint() },
};

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
    if (!built.has(kind)) built.set(kind, servingCatalog[servingKindOf(kind)].build(context));
    return built.get(kind)!;
  };
}

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
  /** An SQS client for `sqs` targets (tests); by default the process's, made on first use (onDemand/sqs.ts). */
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
  // The SQS adapter and client are loaded with the first retrain (deferred.ts).
  sqs: (target, deps) =>
    new DeferredRetrainTrigger(
      'sqs',
      onFirstUse(async () => (await import('./onDemand/sqs')).sqsRetrain(target.queueUrl, deps.sqsClient)),
    ),
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
