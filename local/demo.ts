/**
 * The `npm start` demo: two training runs with metrics, a model version registered from each —
 * one that passes the demo policy (policies/baton-demo.yaml) and one that fails it — and both
 * verdicts read back from MLflow, where Baton wrote them through MLflow's own webhook, the
 * ingress, the promotion queue and the worker.
 */
import { type ModelVersion, mlflowApi } from './mlflowApi';
import type { LocalStack } from './stack';

export const demoModel = 'baton-demo';

const candidates = [
  { label: 'a good candidate', metrics: { val_auc: 0.91, val_logloss: 0.31 }, tags: { git_sha: '4f2c1ab' } },
  {
    label: 'a weak candidate',
    metrics: { val_auc: 0.72, val_logloss: 0.45 },
    tags: {} as Record<string, string>,
  },
];

const tagsOf = (v: ModelVersion) => Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value]));

async function verdictOf(api: ReturnType<typeof mlflowApi>, version: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await api.getModelVersion(demoModel, version);
    if (['PASSED', 'FAILED'].includes(tagsOf(v).validation_status ?? '')) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

export async function runDemo(stack: LocalStack): Promise<boolean> {
  const api = mlflowApi(stack.mlflowUrl);
  await api.ensureRegisteredModel(demoModel, 'Demo model registered by `npm start`');
  let ok = true;
  for (const candidate of candidates) {
    const runId = await api.createRun('baton-demo', candidate.metrics);
    const started = Date.now();
    const created = await api.createModelVersion(demoModel, runId, {
      description: `demo: ${candidate.label}`,
      tags: candidate.tags,
    });
    console.log(
      `\nDemo: registered ${demoModel} v${created.version} (${candidate.label}, ${JSON.stringify(candidate.metrics)})`,
    );
    const version = await verdictOf(api, created.version, 30_000);
    if (!version) {
      console.log(`Demo: ✗ no verdict on ${demoModel} v${created.version} within 30 s (see the logs above)`);
      ok = false;
      continue;
    }
    const tags = tagsOf(version);
    console.log(
      `Demo: ✓ MLflow shows validation_status=${tags.validation_status} on v${created.version} ` +
        `${Date.now() - started} ms after registration; aliases: ${(version.aliases ?? []).join(', ') || 'none'}`,
    );
    for (const [key, value] of Object.entries(tags).filter(([k]) => k.startsWith('baton.check.'))) {
      console.log(`        ${key.padEnd(36)} ${value}`);
    }
  }
  console.log(`\nOpen ${stack.mlflowUrl}/#/models/${demoModel} to see the tags and aliases in MLflow's UI.`);
  return ok;
}
