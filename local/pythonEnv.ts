/**
 * The local stack's Python services (MLflow, moto) live in a virtual environment under the
 * state folder, created on first use from the pinned requirements in the repository.
 *
 * @example
 *   const python = await ensurePythonEnv({ stateDir: '.baton' });
 *   spawn(python.bin('mlflow'), ['server', ...]);
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..');
const requirementFiles = ['requirements.txt', 'requirements-lock.txt'].map((f) => join(repoRoot, f));

export interface PythonEnv {
  dir: string;
  bin(name: string): string;
}

function requirementsHash(): string {
  const hash = createHash('sha256');
  for (const file of requirementFiles) hash.update(readFileSync(file));
  return hash.digest('hex');
}

function run(command: string, args: string[], log: (line: string) => void): void {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
  }
}

/**
 * Creates (or reuses) the virtual environment with mlflow and moto[server] at their pinned
 * versions: `<stateDir>/venv`, or `BATON_VENV_DIR` when set (to share one between state folders).
 */
export function ensurePythonEnv(options: { stateDir: string; log?: (line: string) => void }): PythonEnv {
  const log = options.log ?? ((line: string) => console.error(line));
  const dir = resolve(process.env.BATON_VENV_DIR ?? join(options.stateDir, 'venv'));
  const bin = (name: string) => join(dir, 'bin', name);
  const stamp = join(dir, '.requirements.sha256');
  const wanted = requirementsHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(bin('mlflow'))) {
    return { dir, bin };
  }
  const python = process.env.BATON_PYTHON ?? 'python3';
  log(`Setting up the Python environment for the local stack in ${dir} (first use: about two minutes)…`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(bin('python'))) run(python, ['-m', 'venv', dir], log);
  run(
    bin('python'),
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '-r',
      requirementFiles[0]!,
      '-c',
      requirementFiles[1]!,
    ],
    log,
  );
  writeFileSync(stamp, wanted);
  return { dir, bin };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = ensurePythonEnv({ stateDir: process.env.BATON_STATE_DIR ?? '.baton' });
  console.log(`Python environment ready: ${env.dir}`);
}
