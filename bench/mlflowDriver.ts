/**
 * What the benchmarks do to MLflow as a training job and an observer would: register passing
 * candidates (a finished run with metrics, a version with a description and a git_sha tag), read
 * an alias, and wait for Baton's verdict tag. Built on local/mlflowApi.ts.
 *
 * @example
 *   const driver = mlflowDriver(stack.mlflowUrl);
 *   const version = await driver.register('bench-r2c-1a2b');
 *   await driver.verdict('bench-r2c-1a2b', version, 30_000); // 'PASSED'
 */
import { type ModelVersion, mlflowApi } from '../local/mlflowApi';
import { sleep } from './stats';

/** Passes the bench policy: val_auc ≥ 0.8, val_logloss within 0.005 of a 0.31 champion. */
export const passingMetrics = { val_auc: 0.9, val_logloss: 0.305 };

export const experiment = 'baton-bench';

export const tagsOf = (v: ModelVersion) => Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value]));

export function mlflowDriver(mlflowUrl: string) {
  const api = mlflowApi(mlflowUrl);
  const api20 = `${mlflowUrl}/api/2.0/mlflow`;

  return {
    api,
    /** A finished run with passing metrics; returns its id. */
    run: (metrics: Record<string, number> = passingMetrics) => api.createRun(experiment, metrics),

    /** Registers a version of `model` from `runId` (a new run when omitted); returns its number. */
    async register(model: string, runId?: string): Promise<string> {
      const created = await api.createModelVersion(
        model,
        runId ?? (await api.createRun(experiment, passingMetrics)),
        {
          description: 'benchmark candidate',
          tags: { git_sha: 'b3nch00' },
        },
      );
      return created.version;
    },

    /** The version an alias points at, or null while it is unset. */
    async aliasVersion(model: string, alias: string): Promise<string | null> {
      const query = new URLSearchParams({ name: model, alias });
      const response = await fetch(`${api20}/registered-models/alias?${query}`);
      const text = await response.text();
      if (!response.ok) return null;
      return (JSON.parse(text) as { model_version: { version: string } }).model_version.version;
    },

    async setAlias(model: string, alias: string, version: string): Promise<void> {
      await api.call('POST', 'registered-models/alias', { name: model, alias, version });
    },

    /** Waits for `validation_status` PASSED or FAILED on the version; null at the timeout. */
    async verdict(model: string, version: string, timeoutMs: number): Promise<string | null> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const status = tagsOf(await api.getModelVersion(model, version)).validation_status;
        if (status === 'PASSED' || status === 'FAILED') return status;
        await sleep(50);
      }
      return null;
    },

    /** Every version of a model with its tags (one search call, however many versions). */
    async versionsOf(model: string): Promise<ModelVersion[]> {
      const query = new URLSearchParams({ filter: `name = '${model}'`, max_results: '1000' });
      const { model_versions = [] } = await api.call<{ model_versions?: ModelVersion[] }>(
        'GET',
        `model-versions/search?${query}`,
      );
      return model_versions;
    },
  };
}

export type MlflowDriver = ReturnType<typeof mlflowDriver>;
