/**
 * The API Gateway HTTP API (payload format 2.0) on one machine: the template's routes, each request
 * turned into the event API Gateway would send, the function's answer written back by API
 * Gateway's rules (no statusCode: a 200 JSON body), 404 for no route, 413 over 10 MB, and a 500
 * when the function fails.
 *
 * @example
 *   const gateway = await startGateway({ template, aws, port: 3080, invoker, log });
 *   await fetch(`${gateway.url}/webhooks/mlflow`, { method: 'POST', body });
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Invoker } from './functionProcess';
import type { AwsTarget } from './resources';
import { type CfnTemplate, functionIdOf } from './template';

export interface Route {
  method: string;
  pattern: RegExp;
  paramNames: string[];
  routeKey: string;
  functionId: string;
}

/**
 * HTTP API routes: `POST /webhooks/mlflow` → the function behind its integration.
 *
 * @example
 *   routesFromTemplate(template)[0]?.routeKey; // 'POST /webhooks/mlflow'
 */
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

/**
 * The API Gateway HTTP API (payload format 2.0) event for a request.
 *
 * @example
 *   apiGatewayEvent(request, body, route, {}, aws).isBase64Encoded; // false for a JSON body
 */
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

export interface Gateway {
  url: string;
  stop(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`port` (0: any free port) and hands each routed request to its function.
 *
 * @example
 *   const gateway = await startGateway({ template, aws, port: 0, invoker: (id) => invokers.get(id)!, log });
 */
export async function startGateway(options: {
  template: CfnTemplate;
  aws: AwsTarget;
  port: number;
  invoker: (functionId: string) => Invoker;
  log: (line: string) => void;
}): Promise<Gateway> {
  const { aws, invoker, log } = options;
  const routes = routesFromTemplate(options.template);
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
    },
  };
}
