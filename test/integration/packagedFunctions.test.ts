/**
 * The packaged bundles, run end to end as Lambda runs them: `serverless package` builds every
 * function with the deploy's esbuild plugins (the sealed policies, the SDK's trimmed schemas and
 * barrels, the one chunk loaded at import, the clients loaded on first use), and the local runtime
 * runs the unpacked zips instead of the sources, on the real MLflow server and the emulator. A
 * version of `baton-demo` (policies/baton-demo.yaml, compiled into the zips) registered in MLflow
 * goes through the packaged registry webhook, the promotion queue and the packaged worker, which
 * reads the sealed policies, MLflow and DynamoDB, writes its verdict back to MLflow and announces
 * it on the notifications topic through the SNS client it loads with that first notification.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { packageService } from '../../local/template';
import { testStack } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { eventually, tagsOf } from '../support/registryWaits';

const model = 'baton-demo';
const dir = mkdtempSync(join(tmpdir(), 'baton-packaged-'));
let stack: LocalStack;
let probe: Awaited<ReturnType<typeof notificationProbe>>;

/** Packages every function and unpacks each zip under its name, as Lambda unpacks it. */
function packageAndUnpack(): string {
  const zips = join(dir, 'zips');
  packageService({ stage: 'local', dir: zips });
  const unpacked = join(dir, 'unpacked');
  for (const zip of readdirSync(zips).filter((file) => file.endsWith('.zip'))) {
    const to = join(unpacked, zip.slice(0, -'.zip'.length));
    mkdirSync(to, { recursive: true });
    const result = spawnSync('unzip', ['-q', '-o', join(zips, zip), '-d', to], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`unzip ${zip}: ${result.stderr}`);
  }
  return unpacked;
}

beforeAll(async () => {
  stack = await testStack('eusc-de-east-1', { packaged: packageAndUnpack() });
  probe = await notificationProbe(stack);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the packaged functions', () => {
  it('validate a new version end to end: verdict and challenger alias in MLflow, announced on the topic', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    await api.ensureRegisteredModel(model);
    const runId = await api.createRun('baton-packaged-tests', { val_auc: 0.91, val_logloss: 0.3 });
    const { version } = await api.createModelVersion(model, runId, {
      description: 'a candidate from the packaged-functions test',
      tags: { git_sha: 'abc123' },
    });

    const validated = await eventually(
      async () => {
        const v = await api.getModelVersion(model, version);
        const status = tagsOf(v).validation_status;
        return status === 'PASSED' || status === 'FAILED' ? v : undefined;
      },
      60_000,
      `a verdict on ${model} v${version} from the packaged worker`,
    );
    const announced = await probe.find(
      (n) => n.kind === 'validation.passed' && n.model === model && n.version === version,
    );

    expect(stack.runtime.functions.get('WorkerLambdaFunction')?.modulePath).toBe(
      join(dir, 'unpacked', 'worker', 'functions', 'worker.mjs'),
    );
    expect(tagsOf(validated).validation_status).toBe('PASSED');
    expect(validated.aliases).toContain('challenger');
    expect(announced).toMatchObject({ kind: 'validation.passed', model, version });
  });
});
