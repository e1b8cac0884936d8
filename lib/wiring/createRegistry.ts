/**
 * Builds the ModelRegistry adapter from configuration, for any registry flavour of the catalog.
 *
 * - `mlflow`: an OSS tracking server. `trackingUri` is its base URL, kept with any path prefix
 *   (a server behind a reverse proxy at `/mlflow` works); `token` is optional and sent as a bearer
 *   token (MLflow's auth app or a proxy in front of it).
 * - `databricks`: the workspace model registry. Databricks serves the very same MLflow REST 2.0
 *   paths (`/api/2.0/mlflow/...`) under the workspace host, so it is the same MlflowRegistry class,
 *   pointed at the workspace origin with a personal access token (or service-principal OAuth
 *   token) as bearer token. The token is required; `trackingUri` is the workspace URL such as
 *   `https://dbc-1234.cloud.databricks.com` (a copied `?o=…` or path is dropped), not the MLflow
 *   client's `databricks` / `databricks://profile` shorthand, which needs a local CLI profile.
 * - `databricks-uc`: the Unity Catalog model registry of that workspace (unityCatalogRegistry.ts):
 *   the same `trackingUri` (workspace origin) and required token, the `/api/2.0/mlflow/unity-catalog/…`
 *   paths, three-level model names; runs are read from the workspace's tracking server.
 *
 * @example
 *   const registry = createRegistry({ flavor: 'databricks', trackingUri: process.env.DATABRICKS_HOST!,
 *     token: process.env.DATABRICKS_TOKEN });
 *   const champion = await registry.getModelVersionByAlias('fraud', 'champion');
 */
import * as z from 'zod/mini';
import { describeIssues } from '../../events/issues';
import { RegistryError } from '../adapters/registry/errors';
import type { TokenSource } from '../adapters/registry/mlflowRegistry';
import type { ModelRegistry } from '../domain/ports';
import { type RegistryTuning, registryCatalog, registryFlavors } from './registryCatalog';

export type { RegistryTuning };

export const registryConfigSchema = z.object({
  /** A flavour of the catalog (registryCatalog.ts `registryCatalog`). */
  flavor: z.enum(registryFlavors),
  trackingUri: z.url({ protocol: /^https?$/ }),
  /** A fixed token, or a source read per request through the secret cache (re-read after a 401/403). */
  token: z.optional(
    z.union([z.string().check(z.minLength(1)), z.custom<TokenSource>((v) => typeof v === 'function')]),
  ),
});

export type RegistryConfig = z.infer<typeof registryConfigSchema>;

/**
 * The registry adapter for `config`; throws RegistryError when the configuration cannot work.
 *
 * @example
 *   createRegistry({ flavor: 'mlflow', trackingUri: 'http://127.0.0.1:5000' }, { timeoutMs: 2000 });
 */
export function createRegistry(config: RegistryConfig, tuning: RegistryTuning = {}): ModelRegistry {
  const parsed = registryConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new RegistryError(`invalid registry configuration: ${describeIssues(parsed.error.issues)}`);
  }
  const { flavor, ...settings } = parsed.data;
  return registryCatalog[flavor](settings, tuning);
}
