/**
 * The stage's registries for verified copies, from its settings: `REGISTRIES` is a JSON map of
 * name → `{ "trackingUri": "https://…", "tokenParam": "/baton/prod/registry-token" }` (the token
 * read through the secret cache per request, as the main registry's). The registry Baton listens
 * to is always there, under `REGISTRY_NAME` (default `default`); a policy's `copyTo.registry`
 * names one of these. A `tokenParam` must lie under `REGISTRIES_TOKEN_PARAM` (serverless.yml:
 * `<ssm>/registries/`), the only parameters the worker's role may read for other registries; one
 * elsewhere is refused at load with its name. `COPY_BUDGET_SECONDS` (default 40, under the worker's 60 s timeout) bounds the transfer per invocation: the
 * worker's Lambda timeout must leave room above it.
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

const registriesSchema = z.record(
  z.string().check(z.minLength(1)),
  z.strictObject({ trackingUri: z.url(), tokenParam: z.optional(z.string().check(z.minLength(1))) }),
);

export interface EnvironmentSettings {
  MLFLOW_TRACKING_URI: string;
  REGISTRY_NAME?: string | undefined;
  REGISTRIES?: string | undefined;
  /** The SSM path (a prefix, ending in /) under which other registries' token parameters must lie: the worker's role reads only those. */
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
): Environments {
  const parsed = registriesSchema.safeParse(settings.REGISTRIES ? JSON.parse(settings.REGISTRIES) : {});
  if (!parsed.success) throw new Error(`REGISTRIES: ${describeIssues(parsed.error.issues)}`);
  const prefix = settings.REGISTRIES_TOKEN_PARAM;
  for (const [name, config] of Object.entries(parsed.data)) {
    if (prefix && config.tokenParam && !config.tokenParam.startsWith(prefix))
      throw new Error(
        `REGISTRIES: ${name}.tokenParam ${config.tokenParam} is not under ${prefix}, the only parameters the worker may read`,
      );
  }
  const tokenOf = (param: string | undefined) => param && (async () => (await secrets.values(param))[0]);
  const own = settings.REGISTRY_NAME || 'default';
  const built = new Map<string, Environment>();
  const configs = { ...parsed.data };
  // The copy adapters are loaded with the first copy (deferred.ts): most invocations copy nothing.
  const adapters = onFirstUse(() => import('./onDemand/copy'));
  const make = async (name: string): Promise<Environment> => {
    const { mlflowEnvironment } = await adapters();
    if (name === own) return mlflowEnvironment(own, settings.MLFLOW_TRACKING_URI, undefined, listened);
    const config = configs[name];
    if (!config) throw new UnknownEnvironmentError(name, [own, ...Object.keys(configs)]);
    return mlflowEnvironment(name, config.trackingUri, tokenOf(config.tokenParam) || undefined);
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
