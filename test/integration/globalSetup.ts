/**
 * One real MLflow server and one moto server for the whole integration run, on free ports, with
 * fresh state. Each test file then builds its own Baton stack on them in a region of its own, so
 * files do not see each other's queues or tables.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../local/ports';
import { ensurePythonEnv } from '../../local/pythonEnv';
import { startMlflow, startMoto } from '../../local/services';
import { loadTemplate } from '../../local/template';

declare module 'vitest' {
  export interface ProvidedContext {
    mlflowUrl: string;
    motoUrl: string;
    stateDir: string;
  }
}

export default async function setup(project: TestProject) {
  const stateDir = resolve('.baton');
  // A folder per run and project, so two runs (or projects) never share MLflow or moto state.
  const testDir = resolve(stateDir, `test-${process.pid}-${project.name}`);
  const python = ensurePythonEnv({ stateDir });
  // Package once here, so parallel test files never run `serverless package` at the same time.
  loadTemplate({ stateDir, stage: 'local' });
  const [moto, mlflow] = await Promise.all([
    startMoto({ python, stateDir: testDir, port: await freePort() }),
    startMlflow({ python, stateDir: testDir, port: await freePort(), webhookCacheTtlSeconds: 0 }),
  ]);
  project.provide('mlflowUrl', mlflow.url);
  project.provide('motoUrl', moto.url);
  project.provide('stateDir', stateDir);
  return async () => {
    await Promise.all([moto.stop(), mlflow.stop()]);
    rmSync(testDir, { recursive: true, force: true });
  };
}
