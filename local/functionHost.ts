/**
 * One Lambda sandbox: a child process that imports one handler module with the function's own
 * environment and answers invocations over IPC. The local runtime starts one per function, so
 * functions do not share globals or environment, and a crash takes down only that function.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

interface InvokeMessage {
  id: number;
  event: unknown;
  timeoutMs: number;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const modulePath = process.env.BATON_LOCAL_HANDLER_MODULE!;
const exportName = process.env.BATON_LOCAL_HANDLER_EXPORT ?? 'handler';
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local';

let handlerPromise: Promise<Handler> | undefined;
function loadHandler(): Promise<Handler> {
  handlerPromise ??= import(pathToFileURL(modulePath).href).then((module) => {
    const handler = module[exportName] as Handler | undefined;
    if (typeof handler !== 'function') throw new Error(`${modulePath} does not export ${exportName}`);
    return handler;
  });
  return handlerPromise;
}

function errorPayload(error: unknown) {
  const e = error instanceof Error ? error : new Error(String(error));
  return { errorType: e.name, errorMessage: e.message, stack: e.stack };
}

process.on('message', async (message: InvokeMessage) => {
  const started = Date.now();
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, message.timeoutMs - (Date.now() - started)),
  };
  try {
    const handler = await loadHandler();
    const result = await handler(message.event, context);
    process.send!({ id: message.id, ok: true, result: result ?? null });
  } catch (error) {
    process.send!({ id: message.id, ok: false, error: errorPayload(error) });
  }
});

process.send!({ ready: true });
