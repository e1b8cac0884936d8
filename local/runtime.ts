/**
 * Baton's functions on one machine, wired exactly as the packaged template wires them in AWS:
 * an HTTP server for the API Gateway (HTTP API, payload 2.0) routes, pollers that feed SQS
 * messages to SQS-triggered functions in Lambda's event shape (partial batch failures honoured),
 * SNS-to-Lambda subscriptions, and the EventBridge schedules. Each function runs in its own
 * child process (see functionHost.ts) with its own environment.
 *
 * @example
 *   const runtime = await startRuntime({ template, stack, aws, port: 3080 });
 *   await fetch(`${runtime.ingressUrl}/webhooks/mlflow`, { method: 'POST', ... });
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type AwsTarget, awsClientConfig, localCredentials, type StackResources } from './resources';
import { type Poller, queuePoller } from './sqsPoller';
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

/** Reads the functions from the template and resolves their environment against the stack. */
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

/** A function's sandbox process, started on first use and replaced after a crash or timeout. */
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

interface Route {
  method: string;
  pattern: RegExp;
  paramNames: string[];
  routeKey: string;
  functionId: string;
}

function functionIdOf(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
  return getAtt?.[0];
}

/** HTTP API routes: `POST /webhooks/mlflow` → the function behind its integration. */
export function routesFromTemplate(template: CfnTemplate): Route[] {
  const routes: Route[] = [];
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::ApiGatewayV2::Route') continue;
    const { RouteKey, Target } = resource.Properties as { RouteKey: string; Target: unknown };
    const parts = (Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const integrationId = (parts[1] as { Ref: string }).Ref;
    const integration = template.Resources[integrationId]?.Properties as { IntegrationUri: unknown };
    const [method, path] = RouteKey.split(' ') as [string, string];
    const paramNames: string[] = [];
    const source = path.replace(/\{([^}+]+)\+?\}/g, (_, name: string) => {
      paramNames.push(name);
      return '([^/]+)';
    });
    routes.push({
      method,
      pattern: new RegExp(`^${source}$`),
      paramNames,
      routeKey: RouteKey,
      functionId: functionIdOf(integration.IntegrationUri)!,
    });
  }
  return routes;
}

const textual = /^(application\/(json|x-www-form-urlencoded|xml|[\w.+-]+\+json)|text\/)/i;

/** The API Gateway HTTP API (payload format 2.0) event for a request. */
export function apiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  route: Route,
  params: Record<string, string>,
  aws: AwsTarget,
) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  // API Gateway passes text bodies as strings and everything else base64-encoded.
  const asText =
    textual.test(headers['content-type'] ?? '') && Buffer.from(body.toString('utf8')).equals(body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(params).length ? params : undefined,
    requestContext: {
      accountId: aws.accountId,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : asText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !asText,
  };
}

interface HandlerResult {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

function writeResult(response: ServerResponse, result: unknown): void {
  // API Gateway's rule for payload 2.0: anything without a statusCode is a 200 JSON body.
  const shaped = (
    result && typeof result === 'object' && 'statusCode' in result
      ? result
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) }
  ) as HandlerResult;
  const body =
    shaped.body === undefined ? '' : Buffer.from(shaped.body, shaped.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(shaped.statusCode ?? 200, {
    ...shaped.headers,
    ...(shaped.cookies ? { 'set-cookie': shaped.cookies } : {}),
  });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** API Gateway HTTP APIs accept payloads up to 10 MB. */
const maxGatewayPayload = 10 * 1024 * 1024;

export interface RuntimeOptions {
  template: CfnTemplate;
  stack: StackResources;
  aws: AwsTarget;
  port: number;
  /** Extra environment for every function (registry URL overrides and the like). */
  env?: Record<string, string>;
  /** Start queue pollers, SNS subscriptions and schedules (false: HTTP ingress only). */
  consumers?: boolean;
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

/** Starts the ingress server, pollers, SNS subscriptions and schedules. */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { template, stack, aws } = options;
  const invokers = new Map<string, Invoker>();
  const invoker = (id: string) => {
    const found = invokers.get(id);
    if (!found) throw new Error(`The template routes to ${id}, which is not a function`);
    return found;
  };
  const routes = routesFromTemplate(template);
  const server: Server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    let params: Record<string, string> = {};
    const route = routes.find((r) => {
      if (r.method !== request.method) return false;
      const match = r.pattern.exec(path);
      if (!match) return false;
      params = Object.fromEntries(r.paramNames.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
      return true;
    });
    if (!route) return sendJson(response, 404, { message: 'Not Found' });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > maxGatewayPayload) return sendJson(response, 413, { message: 'Request Entity Too Large' });
      chunks.push(chunk as Buffer);
    }
    try {
      const event = apiGatewayEvent(request, Buffer.concat(chunks), route, params, aws);
      writeResult(response, await invoker(route.functionId).invoke(event));
    } catch (error) {
      log(`[gateway] ${route.routeKey} failed: ${(error as Error).message}`);
      sendJson(response, 500, { message: 'Internal Server Error' });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const ingressUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
  for (const fn of functions.values()) invokers.set(fn.logicalId, functionProcess(fn, log));

  const pollers: Poller[] = [];
  const timers: NodeJS.Timeout[] = [];
  if (options.consumers !== false) {
    const sqs = new SQSClient(awsClientConfig(aws));
    const retryDelaySeconds = options.retryDelaySeconds ?? 1;
    for (const resource of Object.values(template.Resources)) {
      const properties = resource.Properties as Record<string, unknown>;
      if (resource.Type === 'AWS::Lambda::EventSourceMapping') {
        const queueId = functionIdOf(properties.EventSourceArn)!;
        pollers.push(
          queuePoller({
            sqs,
            queueUrl: stack.resolveString({ Ref: queueId }),
            queueArn: stack.resolveString(properties.EventSourceArn),
            region: aws.region,
            batchSize: Number(properties.BatchSize ?? 10),
            reportsBatchItemFailures: ((properties.FunctionResponseTypes as string[]) ?? []).includes(
              'ReportBatchItemFailures',
            ),
            retryDelaySeconds,
            invoke: (event) => invoker(functionIdOf(properties.FunctionName)!).invoke(event),
            log,
          }),
        );
      }
      if (resource.Type === 'AWS::SNS::Subscription' && properties.Protocol === 'lambda') {
        pollers.push(await snsToLambda(properties, stack, aws, sqs, invoker, retryDelaySeconds, log));
      }
      if (resource.Type === 'AWS::Events::Rule') {
        const expression = String(properties.ScheduleExpression ?? '');
        const rate = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
        const target = (properties.Targets as Array<{ Arn: unknown }>)[0];
        if (!rate || !target || properties.State === 'DISABLED') continue;
        const seconds =
          options.scheduleSeconds ?? Number(rate[1]) * (rate[2]!.startsWith('hour') ? 3600 : 60);
        const fn = invoker(functionIdOf(target.Arn)!);
        // One tick at a time: locally every invocation shares one sandbox, so overlapping ticks
        // would only queue up behind each other and time out together.
        let running = false;
        timers.push(
          setInterval(() => {
            if (running) return;
            running = true;
            fn.invoke(scheduledEvent(aws))
              .catch((error: Error) => log(`[schedule] ${error.message}`))
              .finally(() => {
                running = false;
              });
          }, seconds * 1000),
        );
      }
    }
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
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await Promise.all([...invokers.values()].map((i) => i.stop()));
    },
  };
}

function scheduledEvent(aws: AwsTarget) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: aws.accountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: aws.region,
    resources: [],
    detail: {},
  };
}

/**
 * SNS invokes Lambda subscribers itself; the emulator cannot reach a local process, so each
 * such subscription becomes an SQS subscription on a local-only queue whose messages are handed
 * to the function as SNS events, one record per invocation, as SNS does.
 */
async function snsToLambda(
  properties: Record<string, unknown>,
  stack: StackResources,
  aws: AwsTarget,
  sqs: SQSClient,
  invoker: (id: string) => Invoker,
  retryDelaySeconds: number,
  log: (line: string) => void,
): Promise<Poller> {
  const functionId = functionIdOf(properties.Endpoint)!;
  const topicArn = stack.resolveString(properties.TopicArn);
  const name = `${topicArn.split(':').pop()}-local-${functionId}`.slice(0, 80);
  const redrive = properties.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
  const attributes: Record<string, string> = {};
  if (redrive?.deadLetterTargetArn) {
    // SNS retries a failing Lambda subscriber a few times, then dead-letters the message.
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: stack.resolveString(redrive.deadLetterTargetArn),
      maxReceiveCount: 3,
    });
  }
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const queueArn = `arn:aws:sqs:${aws.region}:${aws.accountId}:${name}`;
  const sns = new SNSClient(awsClientConfig(aws));
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      ReturnSubscriptionArn: true,
    }),
  );
  sns.destroy();
  return queuePoller({
    sqs,
    queueUrl: QueueUrl!,
    queueArn,
    region: aws.region,
    batchSize: 1,
    reportsBatchItemFailures: false,
    retryDelaySeconds,
    log,
    invoke: (event) => {
      const record = (event as { Records: Array<{ body: string }> }).Records[0]!;
      const envelope = JSON.parse(record.body) as Record<string, unknown>;
      return invoker(functionId).invoke({
        Records: [
          {
            EventSource: 'aws:sns',
            EventVersion: '1.0',
            EventSubscriptionArn: SubscriptionArn,
            Sns: {
              Type: envelope.Type,
              MessageId: envelope.MessageId,
              TopicArn: envelope.TopicArn,
              Subject: envelope.Subject ?? null,
              Message: envelope.Message,
              Timestamp: envelope.Timestamp,
              SignatureVersion: envelope.SignatureVersion,
              Signature: envelope.Signature,
              SigningCertUrl: envelope.SigningCertURL,
              UnsubscribeUrl: envelope.UnsubscribeURL,
              MessageAttributes: envelope.MessageAttributes ?? {},
            },
          },
        ],
      });
    },
  });
}
