/**
 * The packaged CloudFormation template is the single description of Baton's resources: the
 * local stack reads queues, topics, subscriptions, the table, routes, event sources and
 * schedules from it, so local and cloud cannot drift. `serverless package` runs offline and is
 * cached under the state folder by a hash of serverless.yml.
 *
 * @example
 *   const template = await loadTemplate({ stateDir: '.baton', stage: 'local' });
 *   template.Resources.PromotionQueue.Properties.FifoQueue; // true
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** Whether a process of this machine is still running. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `run` while this process holds the machine's packaging lock: serverless-esbuild builds in
 * the repository's own .esbuild/ and .serverless/ folders, so two `serverless package` at once (two
 * test files, a test run and the bench) would build into each other's files. The lock is a folder
 * (mkdir is atomic) naming its holder; one whose holder has exited is taken over.
 */
function withPackagingLock<T>(run: () => T): T {
  const lock = join(repoRoot, '.baton', 'packaging.lock');
  const holder = join(lock, 'pid');
  mkdirSync(dirname(lock), { recursive: true });
  const giveUpAt = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(holder, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = existsSync(holder) ? Number(readFileSync(holder, 'utf8')) : 0;
      if (pid > 0 && !running(pid)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > giveUpAt) throw new Error(`${lock} was held by process ${pid} for 10 minutes`);
      // Until the holder removes the lock (checked five times a second; this code is synchronous).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return run();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Runs `serverless package` for a stage into `dir` (no credentials, no network), one at a time. */
export function packageService(options: { stage: string; dir: string; region?: string }): void {
  const args = ['serverless', 'package', '--stage', options.stage, '--package', options.dir];
  if (options.region) args.push('--region', options.region);
  const result = withPackagingLock(() =>
    spawnSync('npx', args, {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    }),
  );
  if (result.status !== 0) {
    throw new Error(`serverless package failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Reads the packaged template from a `serverless package` output folder. */
export function readTemplate(dir: string): CfnTemplate {
  return JSON.parse(
    readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as CfnTemplate;
}

/** Packages (only when serverless.yml changed since the last run) and returns the template. */
export function loadTemplate(options: { stateDir: string; stage: string }): CfnTemplate {
  const dir = resolve(options.stateDir, 'package', options.stage);
  const hash = createHash('sha256')
    .update(readFileSync(join(repoRoot, 'serverless.yml')))
    .digest('hex');
  const stamp = join(dir, '.serverless-yml.sha256');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
    // Package beside the cache and swap it in, so a concurrent reader never sees half a package.
    const fresh = `${dir}.${process.pid}`;
    mkdirSync(fresh, { recursive: true });
    packageService({ stage: options.stage, dir: fresh });
    writeFileSync(join(fresh, '.serverless-yml.sha256'), hash);
    rmSync(dir, { recursive: true, force: true });
    renameSync(fresh, dir);
  }
  return readTemplate(dir);
}

/**
 * The logical id of the resource a template value points at (`{ "Fn::GetAtt": [id, "Arn"] }`):
 * how routes, event source mappings, subscriptions and schedules name their function or queue.
 *
 * @example
 *   functionIdOf({ 'Fn::GetAtt': ['WorkerLambdaFunction', 'Arn'] }); // 'WorkerLambdaFunction'
 */
export function functionIdOf(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
  return getAtt?.[0];
}
