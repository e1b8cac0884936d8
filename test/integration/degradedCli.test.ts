/**
 * Degraded, not dead: with the registry unreachable (its URL on a port nobody listens on),
 * `baton status`, `history` and `champion` still answer from Baton's table, and `status` says what
 * it could not read, with exit 0 (as `baton status --help` documents).
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mlflowApi } from '../../local/mlflowApi';
import { freePort } from '../../local/ports';
import type { LocalStack } from '../../local/stack';
import { runBatonCli } from '../support/batonCli';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { eventually, tagsOf } from '../support/registryWaits';
import { mlflowHeaders, mlflowPayload } from '../support/signing';

let stack: LocalStack;
let registryDown: { MLFLOW_TRACKING_URI: string };
const model = uniqueName('val-degraded');
let version: string;

beforeAll(async () => {
  stack = await testStack('ap-southeast-6', {
    env: { POLICIES_DIR: resolve('test/fixtures/policies') },
    webhook: false,
    scheduleSeconds: 3600,
  });
  registryDown = { MLFLOW_TRACKING_URI: `http://127.0.0.1:${await freePort()}` };
  // Prepare: one version validated, so Baton's table holds its phase and audit trail.
  const api = mlflowApi(inject('mlflowUrl'));
  await api.ensureRegisteredModel(model);
  const run = await api.createRun('baton-degraded-tests', { val_auc: 0.91, val_logloss: 0.3 });
  ({ version } = await api.createModelVersion(model, run, {
    description: 'candidate',
    tags: { git_sha: 'abc' },
  }));
  const body = mlflowPayload('model_version', 'created', { name: model, version, source: 's' });
  const response = await fetch(`${stack.ingressUrl}/webhooks/mlflow`, {
    method: 'POST',
    headers: mlflowHeaders(stack.secrets.mlflowWebhookSecret, body),
    body,
  });
  if (response.status !== 202) throw new Error(`ingress answered ${response.status}`);
  await eventually(
    async () => {
      const tag = tagsOf(await api.getModelVersion(model, version)).validation_status;
      return tag === 'PASSED' || tag === 'FAILED' ? tag : undefined;
    },
    60_000,
    'a verdict on the version',
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('with the registry unreachable', () => {
  it('`baton status` lists the versions Baton knows with their phase, says what it could not read, and exits 0', async () => {
    const [state] = await testStore(stack).listVersions(model);

    const { code, stdout, stderr } = await runBatonCli(stack, ['status', model], registryDown);

    expect(code).toBe(0);
    expect(stderr).toMatch(
      /^baton status: registry unreachable \(.+\): aliases and tags not shown; versions are those in Baton's table\n$/,
    );
    expect(stdout).toMatch(new RegExp(`^${version}\\s+${state!.phase}\\s+\\?\\s+\\?`, 'm'));
  });

  it('`baton status --json` names what was unavailable and leaves aliases unknown', async () => {
    const [state] = await testStore(stack).listVersions(model);

    const { code, stdout } = await runBatonCli(stack, ['status', model, '--json'], registryDown);

    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.unavailable).toEqual([
      expect.stringMatching(/^registry unreachable \(.+\): aliases and tags not shown/),
    ]);
    expect(report.versions).toEqual([
      { version, phase: state!.phase, validationStatus: null, aliases: null, failedChecks: [] },
    ]);
  });

  it.each([['history'], ['champion']])(
    '`baton %s` answers exactly as it does with the registry up',
    async (name) => {
      const up = await runBatonCli(stack, [name, model, '--json']);

      const down = await runBatonCli(stack, [name, model, '--json'], registryDown);

      expect(down.code).toBe(up.code);
      expect(down.stderr).toBe('');
      const withoutTime = (out: string) => ({ ...JSON.parse(out), at: undefined });
      expect(withoutTime(down.stdout)).toEqual(withoutTime(up.stdout));
    },
  );
});

describe('with the registry up', () => {
  it('`baton status --json` reports nothing unavailable', async () => {
    const { code, stdout, stderr } = await runBatonCli(stack, ['status', model, '--json']);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout).unavailable).toEqual([]);
  });
});
