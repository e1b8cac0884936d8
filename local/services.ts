/**
 * The real services behind the local stack: an MLflow tracking server (SQLite backend, webhooks
 * allowed to reach localhost) and moto in server mode as the AWS API emulator. Each runs as a
 * child process in its own process group, logs to `<stateDir>/logs/`, and is stopped with it.
 *
 * @example
 *   const moto = await startMoto({ python, stateDir: '.baton', port: 5090 });
 *   await moto.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PythonEnv } from './pythonEnv';

export interface Service {
  name: string;
  url: string;
  logFile: string;
  stop(): Promise<void>;
  /** Hard-kills the process group, as a crash would (used by fault-injection tests). */
  kill(): void;
}

interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  url: string;
  readyPath: string;
  stateDir: string;
  readyTimeoutMs?: number;
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function startService(spec: ServiceSpec): Promise<Service> {
  const logDir = join(spec.stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${spec.name}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  let exited = false;
  const exit = new Promise<void>((done) =>
    child.once('exit', () => {
      exited = true;
      done();
    }),
  );
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 90_000);
  while (!(await isReady(spec.url + spec.readyPath))) {
    if (exited || Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
      throw new Error(`${spec.name} did not become ready at ${spec.url} (log: ${logFile})\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name: spec.name,
    url: spec.url,
    logFile,
    kill: () => killGroup(child, 'SIGKILL'),
    async stop() {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts moto's server mode; every AWS service it emulates is served from one port. It runs
 * through motoServer.py, which adds the one SageMaker operation moto lacks (UpdateEndpoint).
 */
export function startMoto(options: { python: PythonEnv; stateDir: string; port: number }): Promise<Service> {
  const url = `http://127.0.0.1:${options.port}`;
  return startService({
    name: 'moto',
    command: options.python.bin('python'),
    args: [join(import.meta.dirname, 'motoServer.py'), '-H', '127.0.0.1', '-p', String(options.port)],
    url,
    readyPath: '/moto-api/data.json',
    stateDir: options.stateDir,
  });
}

/** A Fernet key kept in the state folder, so webhook secrets stay readable across restarts. */
function webhookEncryptionKey(mlflowDir: string): string {
  const file = join(mlflowDir, 'webhook-encryption.key');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64url').replace(/=*$/, '='), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * Starts a real MLflow tracking server with a SQLite backend (webhooks need the SQL store),
 * artifacts in the state folder, and webhook delivery allowed to plain-http localhost receivers.
 */
export function startMlflow(options: {
  python: PythonEnv;
  stateDir: string;
  port: number;
  webhookCacheTtlSeconds?: number;
}): Promise<Service> {
  const dir = resolve(options.stateDir, 'mlflow');
  mkdirSync(join(dir, 'artifacts'), { recursive: true });
  const url = `http://127.0.0.1:${options.port}`;
  return startService({
    name: 'mlflow',
    command: options.python.bin('mlflow'),
    args: [
      'server',
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      // One process: webhook caches and the delivery thread pool are per process.
      '--workers',
      '1',
      '--backend-store-uri',
      `sqlite:///${join(dir, 'mlflow.db')}`,
      '--artifacts-destination',
      join(dir, 'artifacts'),
    ],
    env: {
      MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY: webhookEncryptionKey(dir),
      MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http,https',
      MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true',
      MLFLOW_WEBHOOK_CACHE_TTL: String(options.webhookCacheTtlSeconds ?? 1),
      // MLflow 3 otherwise starts a job runner with seven worker processes (GenAI evaluation and
      // trace jobs); the registry needs none of them, and they take most of a small machine's CPU.
      MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
      PYTHONWARNINGS: 'ignore::DeprecationWarning',
    },
    url,
    readyPath: '/health',
    stateDir: options.stateDir,
  });
}
