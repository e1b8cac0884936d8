/**
 * A Baton test stack whose functions each run under their own role, with IAM enforced: a moto
 * server of its own (enforcement would break every other test file on the shared one), the stack's
 * resources created before enforcement, one IAM user per role (iamEnforcement.ts), then the local
 * runtime with each function's sandbox holding its own role's keys and recording its SDK calls
 * (sdkCallRecorder.mjs). The runtime's pollers and schedules stand in for AWS's own services and
 * use an administrator's keys.
 *
 * @example
 *   const enforced = await enforcedStack('ap-southeast-3', { POLICIES_DIR: dir });
 *   … enforced.calls() …
 *   await enforced.stop();
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IAMClient } from '@aws-sdk/client-iam';
import { inject } from 'vitest';
import { freePort } from '../../local/ports';
import { ensurePythonEnv } from '../../local/pythonEnv';
import { localCredentials } from '../../local/resources';
import { type Runtime, startRuntime } from '../../local/runtime';
import { type Service, startMoto } from '../../local/services';
import type { LocalStack } from '../../local/stack';
import {
  createAdmin,
  createRoleUser,
  enforceIam,
  functionRoles,
  type Keys,
  motoPolicy,
  roleStatements,
  type Statement,
} from './iamEnforcement';
import { type RecordedCall, readCalls } from './iamSimulation';
import { testStack } from './localStack';

export interface EnforcedStack {
  stack: LocalStack;
  runtime: Runtime;
  /** The test's own keys (allowed everything), for setup and for reading results. */
  admin: Keys;
  /** Each role's statements as the template resolves them here, by the role's logical id. */
  roles: Map<string, Statement[]>;
  /** Each function's role: `worker` → `WorkerRole`. */
  roleOf: Map<string, string>;
  /** Every SDK call the functions made so far. */
  calls(): RecordedCall[];
  /** The runtime's log lines (functions' output included). */
  log: string[];
  iam: IAMClient;
  stop(): Promise<void>;
}

/**
 * The roles with one action taken out, to show the test failing without it:
 * `BATON_TEST_WITHOUT=WorkerRole:sagemaker:DescribeModel npx vitest run … leastPrivilege.test.ts`.
 */
function withoutAction(roles: Map<string, Statement[]>, spec: string | undefined): Map<string, Statement[]> {
  if (!spec) return roles;
  const [role, ...action] = spec.split(':');
  const statements = roles.get(role!);
  if (!statements) throw new Error(`BATON_TEST_WITHOUT names no role of the template: ${role}`);
  const dropped = action.join(':');
  const kept = statements
    .map((s) => ({ ...s, Action: [s.Action].flat().filter((a) => a !== dropped) }))
    .filter((s) => s.Action.length > 0);
  return new Map([...roles, [role!, kept]]);
}

const recorder = pathToFileURL(resolve('test/support/sdkCallRecorder.mjs')).href;

/**
 * Starts the stack; `beforeEnforcement` puts anything the test needs (secrets, alarms) in place
 * with the emulator's open keys while it still accepts them.
 */
export async function enforcedStack(
  region: string,
  env: Record<string, string>,
  beforeEnforcement: (stack: LocalStack) => Promise<void> = async () => undefined,
): Promise<EnforcedStack> {
  const stateDir = inject('stateDir');
  const dir = mkdtempSync(join(tmpdir(), 'baton-iam-'));
  // Kept with the functions' output when BATON_TEST_LOGS names a folder.
  const callsFile = join(process.env.BATON_TEST_LOGS ?? dir, `${region}-sdk-calls.jsonl`);
  const moto: Service = await startMoto({
    python: ensurePythonEnv({ stateDir }),
    stateDir: dir,
    port: await freePort(),
  });
  const log: string[] = [];
  let stack: LocalStack | undefined;
  let runtime: Runtime | undefined;
  try {
    stack = await testStack(region, {
      services: { mlflowUrl: inject('mlflowUrl'), motoUrl: moto.url },
      consumers: false,
      webhook: false,
    });
    await beforeEnforcement(stack);
    const setupIam = new IAMClient({ region, endpoint: moto.url, credentials: localCredentials });
    const roles = withoutAction(
      roleStatements(stack.template, stack.resources),
      process.env.BATON_TEST_WITHOUT,
    );
    const roleOf = functionRoles(stack.template);
    const keys = new Map<string, Keys>();
    for (const [fn, role] of roleOf) {
      keys.set(fn, await createRoleUser(setupIam, `baton-${fn}`, motoPolicy(roles.get(role)!)));
    }
    const admin = await createAdmin(setupIam);
    setupIam.destroy();
    await enforceIam(moto.url);
    const iam = new IAMClient({ region, endpoint: moto.url, credentials: admin });
    runtime = await startRuntime({
      template: stack.template,
      stack: stack.resources,
      aws: { ...stack.aws, credentials: admin },
      port: 0,
      env: {
        MLFLOW_TRACKING_URI: stack.mlflowUrl,
        LOG_LEVEL: 'INFO',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        BATON_TEST_SDK_CALLS: callsFile,
        ...env,
      },
      functionEnv: (fn) => ({
        AWS_ACCESS_KEY_ID: keys.get(fn.name)!.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.get(fn.name)!.secretAccessKey,
        NODE_OPTIONS: `${fn.env.NODE_OPTIONS ?? ''} --import ${recorder}`.trim(),
      }),
      retryDelaySeconds: 1,
      scheduleSeconds: 1,
      log: (line) => {
        log.push(line);
        // As testStack does: BATON_TEST_LOGS names a folder to keep the functions' output in.
        if (process.env.BATON_TEST_LOGS)
          appendFileSync(join(process.env.BATON_TEST_LOGS, `${region}.log`), `${line}\n`);
      },
    });
    const started = { stack, runtime };
    return {
      ...started,
      admin,
      roles,
      roleOf,
      iam,
      log,
      calls: () => readCalls(callsFile),
      async stop() {
        await started.runtime.stop();
        await started.stack.stop();
        iam.destroy();
        await moto.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await runtime?.stop();
    await stack?.stop();
    await moto.stop();
    throw error;
  }
}
