/**
 * The `npm start` demo: a training run with metrics, a model version registered from it, and
 * MLflow's own webhook carrying the event through Baton's ingress and promotion queue to the
 * worker.
 */
import { mlflowApi } from './mlflowApi';
import type { LocalStack } from './stack';

export const demoModel = 'baton-demo';

export async function runDemo(
  stack: LocalStack,
  onLog: (listener: (line: string) => void) => void,
): Promise<boolean> {
  const api = mlflowApi(stack.mlflowUrl);
  await api.ensureRegisteredModel(demoModel, 'Demo model registered by `npm start`');
  const runId = await api.createRun('baton-demo', { val_auc: 0.91, val_logloss: 0.31 }, { git_sha: 'demo' });
  // Listen before registering: MLflow's webhook can beat the REST response back to us.
  const lines: string[] = [];
  let wake: () => void = () => undefined;
  onLog((line) => {
    lines.push(line);
    wake();
  });
  const started = Date.now();
  const version = await api.createModelVersion(demoModel, runId, { description: 'demo version' });
  console.log(`Demo: registered ${demoModel} version ${version.version} in MLflow (run ${runId})`);
  const received = (line: string) =>
    line.includes('promotion event received') &&
    line.includes(`"model":"${demoModel}"`) &&
    line.includes(`"version":"${version.version}"`);
  const deadline = started + 30_000;
  let arrived = lines.some(received);
  while (!arrived && Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 500);
    });
    arrived = lines.some(received);
  }
  console.log(
    arrived
      ? `Demo: ✓ MLflow's webhook carried model_version.created for ${demoModel} v${version.version} through the ingress and the promotion queue to the worker in ${Date.now() - started} ms`
      : `Demo: ✗ the worker did not receive ${demoModel} v${version.version} within 30 s (see the logs)`,
  );
  return arrived;
}
