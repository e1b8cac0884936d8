/**
 * Baton's functions on one machine, wired exactly as the packaged template wires them in AWS:
 * the HTTP API's routes (httpGateway.ts), each function in its own sandbox process
 * (functionProcess.ts), SQS event sources and SNS-to-Lambda subscriptions (eventSources.ts), and
 * the EventBridge schedules (schedules.ts). This file starts them in the order AWS resolves them:
 * the gateway first, since functions read its URL from the template.
 *
 * @example
 *   const runtime = await startRuntime({ template, stack, aws, port: 3080 });
 *   await fetch(`${runtime.ingressUrl}/webhooks/mlflow`, { method: 'POST', ... });
 */
import { join } from 'node:path';
import { eventSourcePollers } from './eventSources';
import { functionProcess, functionsFromTemplate, type Invoker, type LocalFunction } from './functionProcess';
import { startGateway } from './httpGateway';
import { type AwsTarget, localCredentials, type StackResources } from './resources';
import { startSchedules } from './schedules';
import type { Poller } from './sqsPoller';
import type { CfnTemplate } from './template';

export interface RuntimeOptions {
  template: CfnTemplate;
  stack: StackResources;
  aws: AwsTarget;
  port: number;
  /** Extra environment for every function (registry URL overrides and the like). */
  env?: Record<string, string>;
  /** Extra environment for one function, over `env` (e.g. its own role's keys, in the IAM test). */
  functionEnv?: (fn: LocalFunction) => Record<string, string>;
  /** Start queue pollers, SNS subscriptions and schedules (false: HTTP ingress only). */
  consumers?: boolean;
  /**
   * Run the packaged bundles instead of the sources: a folder holding each function's zip unpacked
   * under its name (`worker/functions/worker.mjs`, `worker/.baton/build/policies.json`), each run
   * with that folder as its task root, as Lambda runs it.
   */
  packaged?: string;
  /** Lambda re-drives failed records after the visibility timeout; locally, after this. */
  retryDelaySeconds?: number;
  /** Overrides every schedule's rate (seconds), e.g. to tick faster in tests. */
  scheduleSeconds?: number;
  log?: (line: string) => void;
}

export interface Runtime {
  ingressUrl: string;
  functions: Map<string, LocalFunction>;
  invokers: Map<string, Invoker>;
  /**
   * Restarts every function's sandbox (each starts again on its next invocation, reading its
   * policies afresh): what `npm start` does when the policies directory changes. An invocation
   * in flight fails and is retried, as after a Lambda sandbox crash.
   */
  restartFunctions(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the ingress server, pollers, SNS subscriptions and schedules.
 *
 * @example
 *   const runtime = await startRuntime({ template, stack, aws, port: 0, consumers: false });
 *   await runtime.stop();
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { template, stack, aws } = options;
  const invokers = new Map<string, Invoker>();
  const invoker = (id: string) => {
    const found = invokers.get(id);
    if (!found) throw new Error(`The template routes to ${id}, which is not a function`);
    return found;
  };
  const gateway = await startGateway({ template, aws, port: options.port, invoker, log });
  const ingressUrl = gateway.url;
  // The local server is the HTTP API: what the template reads from it resolves to the ingress.
  stack.refs.set('HttpApi', { ref: 'local', attributes: { ApiEndpoint: ingressUrl } });
  const functions = functionsFromTemplate(template, stack, {
    AWS_REGION: aws.region,
    AWS_DEFAULT_REGION: aws.region,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL: aws.endpoint,
    ...options.env,
  });
  for (const fn of functions.values()) {
    if (options.packaged) {
      fn.modulePath = join(options.packaged, fn.name, 'functions', `${fn.name}.mjs`);
      fn.env.LAMBDA_TASK_ROOT = join(options.packaged, fn.name);
    }
    Object.assign(fn.env, options.functionEnv?.(fn));
    invokers.set(fn.logicalId, functionProcess(fn, log));
  }

  let pollers: Poller[] = [];
  let timers: NodeJS.Timeout[] = [];
  if (options.consumers !== false) {
    const retryDelaySeconds = options.retryDelaySeconds ?? 1;
    pollers = await eventSourcePollers({ template, stack, aws, invoker, retryDelaySeconds, log });
    timers = startSchedules({
      template,
      aws,
      invoker,
      log,
      ...(options.scheduleSeconds !== undefined && { scheduleSeconds: options.scheduleSeconds }),
    });
    for (const poller of pollers) poller.start();
  }

  return {
    ingressUrl,
    functions,
    invokers,
    async restartFunctions() {
      await Promise.all([...invokers.values()].map((i) => i.stop()));
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(pollers.map((p) => p.stop()));
      await gateway.stop();
      await Promise.all([...invokers.values()].map((i) => i.stop()));
    },
  };
}
