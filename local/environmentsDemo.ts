/**
 * The `npm start` demo of environments: a second MLflow tracking server stands for production
 * (its own state and artifact store, artifacts served), the stack's server for staging. A version
 * registered in staging with two artefact files passes policies/baton-demo-environments.yaml,
 * and Baton copies its exact bytes to production, proven by a SHA-256 digest on both sides; both
 * digests are printed, read back from the two servers' tags.
 *
 * @example
 *   const prod = await startProductionRegistry('.baton', 5081);
 *   await startLocalStack({ …, env: { ...environmentSettings(prod.url) } });
 *   await runEnvironmentsDemo(stack, prod.url);
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type ModelVersion, mlflowApi } from './mlflowApi';
import { ensurePythonEnv } from './pythonEnv';
import { type Service, startMlflow } from './services';
import type { LocalStack } from './stack';

export const stagingModel = 'baton-demo.staging.fraud';
export const productionModel = 'baton-demo.prod.fraud';

/** The production tracking server, with its own state folder under `stateDir`/prod. */
export function startProductionRegistry(stateDir: string, port: number): Promise<Service> {
  return startMlflow({ python: ensurePythonEnv({ stateDir }), stateDir: join(stateDir, 'prod'), port });
}

/** What the copier needs to reach production: this registry is `staging`, the other `prod`. */
export function environmentSettings(productionUrl: string): Record<string, string> {
  return { REGISTRY_NAME: 'staging', REGISTRIES: JSON.stringify({ prod: { trackingUri: productionUrl } }) };
}

const tagsOf = (v: ModelVersion) => Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value]));

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

/** Registers a version with artefacts in staging and waits for its verified copy in production. */
export async function runEnvironmentsDemo(stack: LocalStack, productionUrl: string): Promise<boolean> {
  const staging = mlflowApi(stack.mlflowUrl);
  const runId = await staging.createRun('baton-demo-environments', { val_auc: 0.93 });
  const { run } = await staging.call<{ run: { info: { artifact_uri: string } } }>(
    'GET',
    `runs/get?run_id=${runId}`,
  );
  const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\/+/, '');
  const files = {
    MLmodel: Buffer.from('flavors:\n  python_function: {}\n'),
    'model.pkl': randomBytes(1024 * 1024),
  };
  for (const [path, bytes] of Object.entries(files)) {
    await fetch(`${stack.mlflowUrl}/api/2.0/mlflow-artifacts/artifacts/${root}/model/${path}`, {
      method: 'PUT',
      body: bytes,
    });
  }
  await staging.ensureRegisteredModel(stagingModel, 'Demo of environments registered by `npm start`');
  const { version } = await staging.createModelVersion(stagingModel, runId, { description: 'demo: staging' });
  console.log(
    `\nDemo: registered ${stagingModel} v${version} in staging (${stack.mlflowUrl}), 2 artefact files`,
  );
  const source = await until(async () => {
    const v = await staging.getModelVersion(stagingModel, version);
    return tagsOf(v)['baton.copied_to'] ? v : undefined;
  }, 60_000);
  if (!source) {
    console.log(
      `Demo: ✗ ${stagingModel} v${version} was not copied to production within 60 s (see the logs above)`,
    );
    return false;
  }
  const [, , copied] = tagsOf(source)['baton.copied_to']!.split('/');
  const destination = await mlflowApi(productionUrl).getModelVersion(productionModel, copied!);
  const [from, to] = [tagsOf(source)['baton.digest'], tagsOf(destination)['baton.digest']];
  console.log(
    `Demo: ${from === to ? '✓' : '✗'} binary of ${stagingModel} v${version} promoted to ${productionModel} v${copied} (${productionUrl})\n` +
      `        staging    digest ${from}\n        production digest ${to}\n` +
      `        lineage    baton.copied_from=${tagsOf(destination)['baton.copied_from']}`,
  );
  return from === to;
}
