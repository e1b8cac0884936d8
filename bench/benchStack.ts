/**
 * The local stack the benchmarks run on: its own state folder (`.baton/bench`, with a fresh
 * MLflow database each run so runs compare), free ports, the shared Python environment, the
 * bench policies (`bench-*`), and the functions' logs in a file rather than on the terminal.
 * Also a second set of the template's resources in a region of its own, with no consumers, for
 * the in-process measurements (queue, table) that the stack's worker must not see.
 *
 * @example
 *   const bench = await startBenchStack(console.log);
 *   bench.side.queueUrl; // a promotion queue nobody polls
 *   await bench.stop();
 */
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../local/ports';
import { type AwsTarget, createStackResources } from '../local/resources';
import { type LocalStack, startLocalStack } from '../local/stack';

/** Where the bench policies are: `bench-*` with the checks of policies/baton-demo.yaml. */
export const benchPoliciesDir = resolve(import.meta.dirname, 'policies');

/** The region of the side resources; the stack itself runs in us-east-1. */
const sideRegion = 'us-west-2';

export interface SideResources {
  aws: AwsTarget;
  /** A promotion queue created from the same template, polled by nobody. */
  queueUrl: string;
  /** A Baton table created from the same template, written by nobody else. */
  tableName: string;
}

export interface BenchStack {
  stack: LocalStack;
  side: SideResources;
  stateDir: string;
  functionsLog: string;
  /** Stops the functions, MLflow and the emulator, and closes the log. */
  stop(): Promise<void>;
}

export async function startBenchStack(log: (line: string) => void): Promise<BenchStack> {
  const root = resolve(process.env.BATON_STATE_DIR ?? '.baton');
  const stateDir = join(root, 'bench');
  // Share the venv of `npm start` and the tests instead of installing MLflow a second time.
  process.env.BATON_VENV_DIR ??= join(root, 'venv');
  // A fresh registry each run: SQLite grows with every run's versions, which would skew later runs.
  rmSync(join(stateDir, 'mlflow'), { recursive: true, force: true });
  rmSync(join(stateDir, 'logs'), { recursive: true, force: true });
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  if (!existsSync(join(stateDir, 'package'))) log('first run: packaging the template for the stack');
  const functionsLog = join(stateDir, 'logs', 'functions.log');
  const out = createWriteStream(functionsLog, { flags: 'a' });

  const [mlflow, moto, ingress] = [await freePort(), await freePort(), await freePort()];
  const stack = await startLocalStack({
    stateDir,
    ports: { mlflow, moto, ingress },
    webhookName: 'baton-bench',
    env: { POLICIES_DIR: benchPoliciesDir },
    // The alert benchmark promotes through a one-second canary step, checked by the tick.
    scheduleSeconds: 1,
    log: (line) => out.write(`${new Date().toISOString()} ${line}\n`),
  });
  try {
    const aws: AwsTarget = { ...stack.aws, region: sideRegion };
    const resources = await createStackResources(stack.template, aws);
    const side = {
      aws,
      queueUrl: resources.resolveString({ Ref: 'PromotionQueue' }),
      tableName: resources.resolveString({ Ref: 'BatonTable' }),
    };
    const stop = async () => {
      await stack.stop();
      out.end();
    };
    return { stack, side, stateDir, functionsLog, stop };
  } catch (error) {
    await stack.stop();
    out.end();
    throw error;
  }
}
