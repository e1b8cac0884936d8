/**
 * The stage's registries for verified copies, from its settings: `REGISTRIES` is a JSON map of
 * name → `{ "trackingUri": "https://…", "tokenParam": "/baton/prod/registries/prod" }` (an OSS or
 * workspace tracking server; `artifactLocation`: an s3:// prefix its copies' runs go under) or
 * `{ "kind": "databricks-uc", "host": "https://dbc-….cloud.databricks.com", "tokenParam": "…" }`
 * (a Unity Catalog metastore), each token read through the secret cache per request. The registry Baton listens
 * to is always there, under `REGISTRY_NAME` (default `default`); a policy's `copyTo.registry`
 * names one of these. A `tokenParam` must lie under `REGISTRIES_TOKEN_PARAM` (serverless.yml:
 * `<ssm>/registries/`), the only parameters the copier's role may read for other registries; one
 * elsewhere is refused at load with its name. `COPY_BUDGET_SECONDS` (default 40; the copier's is
 * 600 of its 900 s timeout) bounds the transfer per invocation: the rest of the timeout must leave
 * room for reading the destination back and registering it.
 *
 * @example
 *   const environments = environmentsFromEnv({ MLFLOW_TRACKING_URI: 'http://…', REGISTRIES: '{"prod":{"trackingUri":"http://…"}}' }, secrets);
 *   (await environments.get('prod')).name; // 'prod'
 */
import * as z from 'zod/mini';
import { describeIssues } from '../../events/issues';
import type { SecretStore } from '../adapters/secrets/secretStore';
import { UnknownEnvironmentError } from '../app/copyErrors';
import type { Environment, Environments } from '../domain/copyPorts';
import type { ModelRegistry } from '../domain/ports';
import { onFirstUse } from './deferred';
import type { S3ClientFactory } from './s3Client';

const param = z.string().check(z.minLength(1));
const registriesSchema = z.record(
  z.string().check(z.minLength(1)),
  z.union([
    z.strictObject({
      kind: z.optional(z.literal('mlflow')),
      trackingUri: z.url(),
      tokenParam: z.optional(param),
      /** Where copies' files go on this server: an s3:// prefix the copier may write (default: its artifact API). */
      artifactLocation: z.optional(z.string().check(z.regex(/^s3:\/\/[^/]+\/.+/))),
    }),
    z.strictObject({ kind: z.literal('databricks-uc'), host: z.url(), tokenParam: param }),
  ]),
);

export interface EnvironmentSettings {
  MLFLOW_TRACKING_URI: string;
  /** The flavour of the registry Baton listens to (`databricks-uc`: its copies go through Unity Catalog). */
  REGISTRY_FLAVOR?: string | undefined;
  /** Its token, for its copies and artefacts. */
  REGISTRY_TOKEN_PARAM?: string | undefined;
  REGISTRY_NAME?: string | undefined;
  REGISTRIES?: string | undefined;
  /** The SSM path (a prefix, ending in /) under which other registries' token parameters must lie: the copier's role reads only those. */
  REGISTRIES_TOKEN_PARAM?: string | undefined;
  COPY_BUDGET_SECONDS?: string | undefined;
}

/**
 * The stage's environments; throws with the offending field when REGISTRIES is malformed (at
 * load: a misconfigured stage stops the cold start, not its first copy).
 *
 * @example
 *   (await environmentsFromEnv(process.env as EnvironmentSettings, secrets, registry).get(undefined)).name; // 'default'
 */
export function environmentsFromEnv(
  settings: EnvironmentSettings,
  secrets: SecretStore,
  listened?: ModelRegistry,
  /** The S3 clients (tests: the emulator's); default the copier's, from its environment. */
  s3?: S3ClientFactory,
): Environments {
  const parsed = registriesSchema.safeParse(settings.REGISTRIES ? JSON.parse(settings.REGISTRIES) : {});
  if (!parsed.success) throw new Error(`REGISTRIES: ${describeIssues(parsed.error.issues)}`);
  const prefix = settings.REGISTRIES_TOKEN_PARAM;
  for (const [name, config] of Object.entries(parsed.data)) {
    if (prefix && config.tokenParam && !config.tokenParam.startsWith(prefix))
      throw new Error(
        `REGISTRIES: ${name}.tokenParam ${config.tokenParam} is not under ${prefix}, the only parameters the copier may read`,
      );
  }
  const tokenOf = (param: string | undefined) => param && (async () => (await secrets.values(param))[0]);
  const own = settings.REGISTRY_NAME || 'default';
  const built = new Map<string, Environment>();
  const configs = { ...parsed.data };
  // The copy adapters are loaded with the first copy (deferred.ts): most invocations copy nothing.
  const adapters = onFirstUse(() => import('./onDemand/copy'));
  const make = async (name: string): Promise<Environment> => {
    const { mlflowEnvironment, unityCatalogEnvironment, s3Clients } = await adapters();
    const clients = s3 ?? s3Clients;
    if (name === own) {
      const token = tokenOf(settings.REGISTRY_TOKEN_PARAM) || undefined;
      return settings.REGISTRY_FLAVOR === 'databricks-uc'
        ? unityCatalogEnvironment(own, settings.MLFLOW_TRACKING_URI, token, clients, listened)
        : mlflowEnvironment(own, settings.MLFLOW_TRACKING_URI, token, clients, { registry: listened });
    }
    const config = configs[name];
    if (!config) throw new UnknownEnvironmentError(name, [own, ...Object.keys(configs)]);
    const token = tokenOf(config.tokenParam) || undefined;
    if (config.kind === 'databricks-uc') return unityCatalogEnvironment(name, config.host, token, clients);
    return mlflowEnvironment(name, config.trackingUri, token, clients, {
      ...(config.artifactLocation && { artifactLocation: config.artifactLocation }),
    });
  };
  return {
    budgetMs: Number(settings.COPY_BUDGET_SECONDS || 40) * 1000,
    get: async (name) => {
      const key = name ?? own;
      if (!built.has(key)) built.set(key, await make(key));
      return built.get(key)!;
    },
  };
}
