/**
 * The catalog: every kind Baton has an adapter for, each registered once. The serving kinds are
 * the entries of `servingCatalog` (servingKinds.ts: each kind's pinned-artefact spec and adapter
 * factory in one entry), the registry flavours those of `registryCatalog` (registryCatalog.ts),
 * both re-exported here; the retrain targets are the policy's `retrain.target` variants
 * (lib/domain/policy.ts), whose factories `retrainCatalog` below holds, typed over them: a kind
 * without a factory, or a factory for no kind, does not compile. The policy's
 * rollout.endpoint.kind is checked against the serving catalog's keys (lib/wiring/policySchema.ts).
 *
 * The serving and registry catalogs are files of their own so that the functions that only read
 * policies or render artefacts import no retrain adapter. The pure core gets a kind's spec through
 * the facts (gatherFacts, `artefactSpecFor`) and the renderers through `artefactRowsOf`, so
 * neither imports an adapter.
 *
 * Adding a serving kind is: its adapter file(s) in lib/adapters/serving (the adapter and its
 * `ArtefactSpec`), one entry in `servingCatalog` (servingKinds.ts) and its IAM in serverless.yml
 * (README, "Adding a serving kind"). Nothing in lib/domain or events/ names a kind.
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
import type { RetrainTarget, RetrainTargetKind } from '../domain/policy';
import type { SecretSource } from '../domain/ports';
import type { RetrainTrigger } from '../domain/retrainPorts';
import type { ServingEndpoint } from '../domain/servingPorts';
import { DeferredRetrainTrigger, onFirstUse } from './deferred';
import { type ServingContext, servingCatalog, servingKindOf } from './servingKinds';

export {
  type RegistryFlavor,
  type RegistrySettings,
  type RegistryTuning,
  registryCatalog,
  registryFlavors,
  registryIntake,
} from './registryCatalog';
export {
  artefactRowsOf,
  artefactSpecFor,
  type ServingContext,
  type ServingEntry,
  type ServingKind,
  servingCatalog,
  servingKinds,
} from './servingKinds';

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
