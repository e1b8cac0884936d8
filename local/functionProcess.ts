/**
 * Each Lambda function of the template as a local sandbox: its environment resolved against the
 * stack as CloudFormation would, and a child process (functionHost.ts) started on first use and
 * replaced after a crash or a timeout, as Lambda replaces a sandbox.
 *
 * @example
 *   const functions = functionsFromTemplate(template, stack, { AWS_REGION: 'eu-west-1' });
 *   const worker = functionProcess(functions.get('WorkerLambdaFunction')!, console.log);
 *   await worker.invoke({ Records: [] });
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { StackResources } from './resources';
import { type CfnTemplate, repoRoot } from './template';

export interface LocalFunction {
  logicalId: string;
  /** The name in serverless.yml, e.g. `registryWebhook`. */
  name: string;
  functionName: string;
  timeoutMs: number;
  env: Record<string, string>;
  modulePath: string;
  exportName: string;
}

export interface Invoker {
  invoke(event: unknown): Promise<unknown>;
  /** SIGKILLs the sandbox, as a Lambda crash would; the next invoke starts a fresh one. */
  kill(): void;
  stop(): Promise<void>;
}

/**
 * Reads the functions from the template and resolves their environment against the stack.
 *
 * @example
 *   functionsFromTemplate(template, stack, {}).get('WorkerLambdaFunction')?.name; // 'worker'
 */
export function functionsFromTemplate(
  template: CfnTemplate,
  stack: StackResources,
  extraEnv: Record<string, string>,
): Map<string, LocalFunction> {
  const functions = new Map<string, LocalFunction>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const properties = resource.Properties as {
      Handler: string;
      FunctionName: string;
      Timeout?: number;
      MemorySize?: number;
      Environment?: { Variables?: Record<string, unknown> };
    };
    const dot = properties.Handler.lastIndexOf('.');
    const file = properties.Handler.slice(0, dot);
    const variables = stack.resolve(properties.Environment?.Variables ?? {}) as Record<string, unknown>;
    const env = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)]));
    functions.set(logicalId, {
      logicalId,
      name: file.split('/').pop()!,
      functionName: properties.FunctionName,
      timeoutMs: (properties.Timeout ?? 6) * 1000,
      modulePath: join(repoRoot, `${file}.ts`),
      exportName: properties.Handler.slice(dot + 1),
      env: {
        ...env,
        ...extraEnv,
        AWS_LAMBDA_FUNCTION_NAME: properties.FunctionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(properties.MemorySize ?? 256),
      },
    });
  }
  return functions;
}

/**
 * A function's sandbox process, started on first use and replaced after a crash or timeout.
 *
 * @example
 *   const echo = functionProcess(fn, (line) => console.log(line));
 *   await echo.invoke({ hello: 'world' });
 */
export function functionProcess(fn: LocalFunction, logLine: (line: string) => void): Invoker {
  let child: ChildProcess | undefined;
  let ready: Promise<ChildProcess> | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  const start = (): Promise<ChildProcess> => {
    const proc = fork(join(import.meta.dirname, 'functionHost.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...fn.env,
        BATON_LOCAL_HANDLER_MODULE: fn.modulePath,
        BATON_LOCAL_HANDLER_EXPORT: fn.exportName,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const prefix = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logLine(`[${fn.name}] ${line}`);
    };
    proc.stdout?.on('data', prefix);
    proc.stderr?.on('data', prefix);
    proc.on('exit', (code, signal) => {
      if (child === proc) {
        child = undefined;
        ready = undefined;
      }
      for (const [id, waiter] of pending) {
        waiter.reject(new Error(`${fn.name} sandbox exited (${signal ?? code}) during the invocation`));
        pending.delete(id);
      }
    });
    proc.on(
      'message',
      (message: {
        ready?: boolean;
        id?: number;
        ok?: boolean;
        result?: unknown;
        error?: { errorType: string; errorMessage: string };
      }) => {
        if (message.id === undefined) return;
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.ok) waiter.resolve(message.result);
        else
          waiter.reject(
            Object.assign(new Error(message.error?.errorMessage), {
              name: message.error?.errorType ?? 'Error',
            }),
          );
      },
    );
    child = proc;
    return new Promise((resolve, reject) => {
      proc.once('message', () => resolve(proc));
      proc.once('exit', () => reject(new Error(`${fn.name} sandbox failed to start`)));
    });
  };

  return {
    async invoke(event) {
      ready ??= start();
      const proc = await ready;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${fn.name} timed out after ${fn.timeoutMs} ms`));
          proc.kill('SIGKILL');
        }, fn.timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        // The sandbox may have been killed between start and send (a crash, as in Lambda): the
        // invocation fails and the next one starts a fresh sandbox.
        proc.send({ id, event, timeoutMs: fn.timeoutMs }, (error) => {
          if (!error) return;
          pending.get(id)?.reject(new Error(`${fn.name} sandbox is gone: ${error.message}`));
          pending.delete(id);
        });
      });
    },
    kill() {
      child?.kill('SIGKILL');
    },
    async stop() {
      const proc = child;
      if (!proc || proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
