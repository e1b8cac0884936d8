/**
 * Runs the real `baton` CLI (bin/baton.mjs) in a child process against a test stack, as an
 * operator would with TABLE_NAME, MLFLOW_TRACKING_URI and the AWS variables set, and collects
 * what it printed (stdout and stderr together) and its exit code (a killed process counts as 1).
 * `stdout` and `stderr` apart are there too, as non-enumerable properties, so a test may compare
 * the answer whole with `toEqual({ code, output })`.
 *
 * @example
 *   const { code, output } = await runBatonCli(stack, ['history', model]);
 */
import { spawn } from 'node:child_process';
import { localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';

export function runBatonCli(
  stack: LocalStack,
  args: string[],
  /** Overrides of the stack's variables, e.g. a registry URL that refuses connections. */
  env: Record<string, string> = {},
): Promise<{ code: number; output: string; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/baton.mjs', ...args], {
      env: {
        ...process.env,
        TABLE_NAME: stack.resources.resolveString({ Ref: 'BatonTable' }),
        MLFLOW_TRACKING_URI: stack.mlflowUrl,
        PROMOTION_QUEUE_URL: stack.resources.resolveString({ Ref: 'PromotionQueue' }),
        AWS_ENDPOINT_URL: stack.aws.endpoint,
        AWS_REGION: stack.aws.region,
        AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
        ...env,
      },
    });
    let output = '';
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      output += d;
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
      stderr += d;
    });
    child.on('close', (code) => {
      const answer = { code: code ?? 1, output };
      done(
        Object.defineProperties(answer, {
          stdout: { value: stdout },
          stderr: { value: stderr },
        }) as typeof answer & {
          stdout: string;
          stderr: string;
        },
      );
    });
  });
}
