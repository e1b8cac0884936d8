/**
 * Preloaded into a function's sandbox by the least-privilege test (NODE_OPTIONS=--import): records
 * every command any official AWS SDK client sends — the function's name, the service, the
 * operation, its input and the error code if it failed — as one JSON line in the file named by
 * BATON_TEST_SDK_CALLS. The test then evaluates each call against the function's role with an IAM
 * policy simulator, for what the emulator cannot enforce (resource ARNs, condition keys).
 *
 * Plain JavaScript, so it loads before tsx; the SDK clients all extend smithy's Client, whose
 * `send` is patched in both its module formats (the clients may load either).
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const file = process.env.BATON_TEST_SDK_CALLS;
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'unknown';

function patch(Client) {
  if (!Client?.prototype || Client.prototype.__batonRecorded) return;
  const send = Client.prototype.send;
  Client.prototype.__batonRecorded = true;
  Client.prototype.send = async function recordedSend(command, ...rest) {
    const call = {
      function: functionName,
      service: String(this.config?.serviceId ?? this.constructor.name.replace(/Client$/, '')),
      command: command?.constructor?.name ?? 'unknown',
      input: command?.input,
    };
    try {
      return await send.call(this, command, ...rest);
    } catch (error) {
      // moto answers a refused JSON-protocol call with an XML body some clients cannot parse: the status says it.
      const status = error?.$metadata?.httpStatusCode;
      call.error = status === 403 ? `HTTP 403 ${error?.name ?? 'Error'}` : (error?.name ?? 'Error');
      throw error;
    } finally {
      if (file) appendFileSync(file, `${JSON.stringify(call)}\n`);
    }
  };
}

const require = createRequire(import.meta.url);
patch(require('@smithy/core/client').Client);
patch((await import('@smithy/core/client')).Client);
