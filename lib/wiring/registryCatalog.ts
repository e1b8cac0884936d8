/**
 * The registry flavours, declared here by their keys (createRegistry.ts builds its z.enum from
 * them): how each flavour's ModelRegistry adapter is built, and how Baton hears of its new
 * versions. Apart from catalog.ts so that the functions which build a registry but no serving
 * adapter (the tick) do not bundle the serving adapters and the SageMaker client.
 *
 * @example
 *   const registry = registryCatalog.mlflow({ trackingUri: 'http://127.0.0.1:5000' }, { timeoutMs: 2000 });
 *   registryIntake['databricks-uc'].pushes; // false: the tick's poll is its intake
 */
import { RegistryError } from '../adapters/registry/errors';
import { MlflowRegistry, type MlflowRegistryOptions } from '../adapters/registry/mlflowRegistry';
import { UnityCatalogRegistry } from '../adapters/registry/unityCatalogRegistry';
import type { ModelRegistry } from '../domain/ports';

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
