/**
 * A registered version on a real MLflow server whose run holds artefact files under `model/`,
 * uploaded through the server's artifact API: the source of the copy tests.
 *
 * @example
 *   const { runId, version } = await versionWithFiles(mlflowUrl, 'staging.fraud', { MLmodel: bytes });
 */
import { expect } from 'vitest';
import { mlflowApi } from '../../local/mlflowApi';
import { uniqueName } from './localStack';

export async function versionWithFiles(baseUrl: string, model: string, files: Record<string, Buffer>) {
  const api = mlflowApi(baseUrl);
  const runId = await api.createRun(uniqueName('copy-exp'), { val_auc: 0.9 });
  const run = await api.call<{ run: { info: { artifact_uri: string } } }>('GET', `runs/get?run_id=${runId}`);
  const root = run.run.info.artifact_uri.replace(/^mlflow-artifacts:\/+/, '');
  for (const [path, bytes] of Object.entries(files)) {
    const put = await fetch(`${baseUrl}/api/2.0/mlflow-artifacts/artifacts/${root}/model/${path}`, {
      method: 'PUT',
      body: bytes,
    });
    expect(put.ok).toBe(true);
  }
  await api.ensureRegisteredModel(model);
  return {
    runId,
    version: (await api.createModelVersion(model, runId, { description: 'fraud scorer' })).version,
  };
}
