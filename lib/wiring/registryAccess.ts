/**
 * How the worker and the tick reach the registry's host: the registry adapter of the configured
 * flavour, the registry token as a source read through the secret cache, and an HTTP client on the
 * Databricks workspace with that token. Apart from promotion.ts (the worker's composition) so that
 * the tick, which needs these three and nothing else of the worker's, does not bundle the worker's
 * adapters (Slack renderers, SES, SNS, the serving catalog).
 *
 * @example
 *   const registry = await registryFromEnv(config, secretStore());
 *   const workspace = databricksWorkspace(config.MLFLOW_TRACKING_URI, await registryTokenFrom(param, secrets));
 */
import { HttpClient } from '../adapters/registry/httpClient';
import type { TokenSource } from '../adapters/registry/mlflowRegistry';
import type { SecretStore } from '../adapters/secrets/secretStore';
import type { ModelRegistry } from '../domain/ports';
import { createRegistry } from './createRegistry';
import type { RegistryFlavor } from './registryCatalog';

/** The registry settings of a function's environment (already validated by its config schema). */
export interface RegistryEnv {
  REGISTRY_FLAVOR: RegistryFlavor;
  MLFLOW_TRACKING_URI: string;
  REGISTRY_TOKEN_PARAM?: string;
}

/**
 * The registry adapter of the environment's flavour, its token read through the secret cache.
 *
 * @example
 *   const registry = await registryFromEnv(config, secretStore());
 */
export async function registryFromEnv(config: RegistryEnv, secrets: SecretStore): Promise<ModelRegistry> {
  const token = await registryTokenFrom(config.REGISTRY_TOKEN_PARAM, secrets);
  return createRegistry({ flavor: config.REGISTRY_FLAVOR, trackingUri: config.MLFLOW_TRACKING_URI, token });
}

/**
 * The registry token as a source read through the secret cache on every request (a rotation takes
 * effect within the cache's TTL, and a 401/403 re-reads it at once), or undefined when none is
 * configured. Read once here so a missing token still fails at cold start.
 *
 * @example
 *   const token = await registryTokenFrom(config.REGISTRY_TOKEN_PARAM, secrets);
 */
export async function registryTokenFrom(param: string | undefined, secrets: SecretStore) {
  if (!param) return undefined;
  const [token] = await secrets.values(param);
  if (!token) return undefined;
  const source: TokenSource = async ({ fresh }) => (await secrets.values(param, { fresh }))[0];
  return source;
}

/**
 * An HTTP client on the Databricks workspace (the tracking URI) with the registry token: serving
 * endpoints and their metrics export are called with it.
 *
 * @example
 *   const workspace = databricksWorkspace(config.MLFLOW_TRACKING_URI, await registryTokenFrom(param, secrets));
 */
export function databricksWorkspace(trackingUri: string, registryToken: TokenSource | undefined) {
  return () =>
    new HttpClient({
      baseUrl: trackingUri,
      ...(registryToken && {
        auth: async (options: { fresh: boolean }) => {
          const token = await registryToken(options);
          return token ? { token } : undefined;
        },
      }),
    });
}
