/**
 * What a data scientist's training job does against MLflow's REST API: create a run with
 * metrics, register a model version from it. Used by the demo and the tests to drive a real
 * MLflow server; Baton's own registry client lives in lib/adapters/registry.
 *
 * @example
 *   const api = mlflowApi('http://127.0.0.1:5080');
 *   const run = await api.createRun('baton-demo', { val_auc: 0.91 });
 *   const version = await api.createModelVersion('fraud', run);
 */

export interface ModelVersion {
  name: string;
  version: string;
  status: string;
  run_id?: string;
  source?: string;
  aliases?: string[];
  tags?: Array<{ key: string; value: string }>;
}

export function mlflowApi(baseUrl: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}/api/2.0/mlflow/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`MLflow ${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text || '{}') as T;
  };

  const experimentId = async (name: string): Promise<string> => {
    const byName = async () => {
      const found = await fetch(
        `${baseUrl}/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`,
      );
      return found.ok
        ? ((await found.json()) as { experiment: { experiment_id: string } }).experiment.experiment_id
        : null;
    };
    const existing = await byName();
    if (existing) return existing;
    try {
      return (await call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
    } catch (error) {
      // Created by a parallel caller between the lookup and the create.
      if (!/RESOURCE_ALREADY_EXISTS/.test((error as Error).message)) throw error;
      return (await byName())!;
    }
  };

  return {
    call,
    /** A finished run with the given metrics; returns its id. */
    async createRun(experiment: string, metrics: Record<string, number>, tags: Record<string, string> = {}) {
      const id = await experimentId(experiment);
      const now = Date.now();
      const { run } = await call<{ run: { info: { run_id: string } } }>('POST', 'runs/create', {
        experiment_id: id,
        start_time: now,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
      const runId = run.info.run_id;
      await call('POST', 'runs/log-batch', {
        run_id: runId,
        metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: now, step: 0 })),
      });
      await call('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
      return runId;
    },
    async ensureRegisteredModel(name: string, description = '') {
      try {
        await call('POST', 'registered-models/create', { name, description });
      } catch (error) {
        if (!/RESOURCE_ALREADY_EXISTS/.test((error as Error).message)) throw error;
      }
    },
    async createModelVersion(
      name: string,
      runId: string,
      options: { description?: string; tags?: Record<string, string> } = {},
    ): Promise<ModelVersion> {
      const { model_version } = await call<{ model_version: ModelVersion }>('POST', 'model-versions/create', {
        name,
        source: `runs:/${runId}/model`,
        run_id: runId,
        description: options.description,
        tags: Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value })),
      });
      return model_version;
    },
    async getModelVersion(name: string, version: string): Promise<ModelVersion> {
      const query = `name=${encodeURIComponent(name)}&version=${encodeURIComponent(version)}`;
      return (await call<{ model_version: ModelVersion }>('GET', `model-versions/get?${query}`))
        .model_version;
    },
  };
}
