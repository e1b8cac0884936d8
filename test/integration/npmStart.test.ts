/**
 * `npm start -- --once` is what a new user runs: it must come up on its own ports and state
 * folder, carry the demo versions from MLflow through Baton — validation, a canary rollout and
 * an alert-driven rollback — and stop cleanly with exit 0. Run a second time on the same state
 * folder (MLflow's registry kept, the emulator empty) it must do the same with the versions the
 * registry hands out then.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { freePort } from '../../local/ports';

const stateDir = mkdtempSync(join(tmpdir(), 'baton-start-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

async function npmStart(): Promise<{ code: number | null; output: string }> {
  const env = {
    ...process.env,
    BATON_STATE_DIR: stateDir,
    BATON_VENV_DIR: resolve('.baton/venv'),
    BATON_MLFLOW_PORT: String(await freePort()),
    BATON_MOTO_PORT: String(await freePort()),
    BATON_INGRESS_PORT: String(await freePort()),
    BATON_PROD_MLFLOW_PORT: String(await freePort()),
  };
  const child = spawn('npm', ['start', '--', '--once'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  // What the user would have seen, to tell a slow step from a wrong one.
  onTestFailed(() => console.log(output));
  return { code, output };
}

/** The canary part of the demo's output: its versions, read from the output, and what it showed. */
function expectCanaryAndRollback(output: string) {
  const first = /Demo: registered baton-demo-canary v(\d+) \(first version/.exec(output);
  const second = /Demo: registered baton-demo-canary v(\d+) \(a canary beside champion v(\d+)\)/.exec(output);
  expect(first, 'the first canary version is registered').not.toBeNull();
  expect(second, 'the second canary version is registered').not.toBeNull();
  const [v1, v2] = [first![1]!, second![1]!];
  expect(second![2]).toBe(v1);
  expect(Number(v2)).toBe(Number(v1) + 1);

  // The first version has the endpoint alone, then is champion.
  const alone = output.indexOf(`baton-demo-prod: v${v1} 100 %\n`);
  const firstPromoted = output.indexOf(`Demo: ✓ v${v1} promoted`);
  expect(alone).toBeGreaterThan(first!.index);
  expect(firstPromoted).toBeGreaterThan(alone);
  expect(output).toContain(`MLflow aliases: v${v1} champion\n`);

  // The canary's steps, in order, as DescribeEndpoint reported them; then the champion moves.
  const half = output.indexOf(`baton-demo-prod: v${v1} 50 % · v${v2} 50 %`);
  const all = output.indexOf(`baton-demo-prod: v${v1} 0 % · v${v2} 100 %`);
  const promoted = output.indexOf(`Demo: ✓ v${v2} promoted`);
  expect(half).toBeGreaterThan(second!.index);
  expect(all).toBeGreaterThan(half);
  expect(promoted).toBeGreaterThan(all);
  expect(output).toContain(`MLflow aliases: v${v1} archive · v${v2} champion`);

  // The alarm rolls the new champion back: alias and traffic on the archive version, v2 tagged.
  const published = output.indexOf('Demo: CloudWatch alarm baton-demo-prod-5xx → ALARM');
  expect(published).toBeGreaterThan(promoted);
  const rollback = new RegExp(
    `Demo: ✓ rolled back (\\d+) ms after the alarm was published: champion back on v${v1}; ` +
      `baton-demo-prod: v${v1} 100 % · v${v2} 0 %`,
  ).exec(output);
  expect(rollback, 'the rollback line').not.toBeNull();
  expect(rollback!.index).toBeGreaterThan(published);
  expect(Number(rollback![1])).toBeLessThan(30_000);
  const after = output.slice(rollback!.index);
  expect(after).toContain(`MLflow aliases: v${v1} champion · v${v2} none`);
  expect(after).toMatch(/baton\.phase\s+rolled_back/);
  expect(after).toMatch(/baton\.rollback_alert\s+cloudwatch:baton-demo-prod-5xx/);
  expect(after).toMatch(
    /baton\.rollback_reason\s+alert baton-demo-prod-5xx \(cloudwatch\): Threshold Crossed/,
  );
  expect(after).toMatch(/baton\.rolled_back_by\s+alert:cloudwatch/);
  return { v1, v2 };
}

describe('npm start', () => {
  let firstRun: { v1: string; v2: string };

  it('brings Baton up, validates a passing and a failing demo version, rolls a canary out and back, and stops cleanly', async () => {
    const { code, output } = await npmStart();

    expect(output).toMatch(/MLflow UI\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/Ingress\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/AWS emulator\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/Tick\s+every 2 s locally; every minute in AWS/);
    expect(output).toMatch(/Demo: ✓ MLflow shows validation_status=PASSED on v1 .*aliases: challenger/);
    expect(output).toMatch(/baton\.check\.metric\.val_auc\s+PASS: val_auc 0\.91 ≥ 0\.8/);
    expect(output).toMatch(/Demo: ✓ MLflow shows validation_status=FAILED on v2 .*aliases: none/);
    expect(output).toMatch(/baton\.check\.metric\.val_auc\s+FAIL: val_auc 0\.72 < 0\.8/);
    firstRun = expectCanaryAndRollback(output);
    expect(firstRun).toEqual({ v1: '1', v2: '2' });
    // Environments: staging's version copied to the production server, the same digest on both.
    expect(output).toMatch(
      /Demo: ✓ binary of baton-demo\.staging\.fraud v1 promoted to baton-demo\.prod\.fraud v1 /,
    );
    const digests = [...output.matchAll(/(?:staging|production)\s+digest (sha256:[0-9a-f]{64})/g)].map(
      (m) => m[1],
    );
    expect(digests).toHaveLength(2);
    expect(digests[0]).toBe(digests[1]);
    expect(output).not.toContain('Demo: ✗');
    expect(output).toMatch(/Demo: done in \d+\.\d s/);
    expect(code).toBe(0);
  }, 180_000);

  it('runs the demo again on the same state folder, with the next versions MLflow hands out', async () => {
    const { code, output } = await npmStart();

    expect(output).toContain(
      `Demo: deleted baton-demo-canary v${firstRun.v1}, v${firstRun.v2} left by an earlier run`,
    );
    expect(output).toMatch(/Demo: ✓ MLflow shows validation_status=PASSED on v3 /);
    expect(output).toMatch(/Demo: ✓ MLflow shows validation_status=FAILED on v4 /);
    expect(expectCanaryAndRollback(output)).toEqual({ v1: '3', v2: '4' });
    expect(output).not.toContain('Demo: ✗');
    expect(code).toBe(0);
  }, 180_000);
});
