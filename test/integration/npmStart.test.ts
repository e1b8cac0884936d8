/**
 * `npm start -- --once` is what a new user runs: it must come up on its own ports and state
 * folder, carry the demo version from MLflow through Baton, and stop cleanly with exit 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports';

describe('npm start', () => {
  it('brings Baton up, validates a passing and a failing demo version, and stops cleanly', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'baton-start-'));
    const env = {
      ...process.env,
      BATON_STATE_DIR: stateDir,
      BATON_VENV_DIR: resolve('.baton/venv'),
      BATON_MLFLOW_PORT: String(await freePort()),
      BATON_MOTO_PORT: String(await freePort()),
      BATON_INGRESS_PORT: String(await freePort()),
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
    rmSync(stateDir, { recursive: true, force: true });

    expect(output).toMatch(/MLflow UI\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/Ingress\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/AWS emulator\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/Demo: ✓ MLflow shows validation_status=PASSED on v1 .*aliases: challenger/);
    expect(output).toMatch(/baton\.check\.metric\.val_auc\s+PASS: val_auc 0\.91 ≥ 0\.8/);
    expect(output).toMatch(/Demo: ✓ MLflow shows validation_status=FAILED on v2 .*aliases: none/);
    expect(output).toMatch(/baton\.check\.metric\.val_auc\s+FAIL: val_auc 0\.72 < 0\.8/);
    expect(code).toBe(0);
  }, 180_000);
});
