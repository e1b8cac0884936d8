/**
 * The bundling step that drops SSM's error-class registrations (scripts/sdkErrorRegistry.cjs, run
 * by scripts/sdkSchemaKeys.cjs): a bundled SSM client must throw the same error, by name, message,
 * fault and metadata, as the SDK's own, while the 141 error classes stay out of the bundle.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sdkSchemaKeys = createRequire(import.meta.url)('../../scripts/sdkSchemaKeys.cjs') as Plugin;
const dir = mkdtempSync(join(tmpdir(), 'baton-sdk-error-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** GetParameter against a request handler that answers with `code` (no network), as a function's bundle. */
const source = `
import { Readable } from 'node:stream';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
export async function failWith(code, status) {
  const handler = { handle: async () => ({ response: { statusCode: status, reason: '', headers:
    { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' },
    body: Readable.from([JSON.stringify({ __type: code, message: 'said ' + code })]) } }) };
  const client = new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: handler, maxAttempts: 1 });
  try { await client.send(new GetParameterCommand({ Name: '/baton/key' })); } catch (e) {
    return { name: e.name, message: e.message, fault: e.$fault, status: e.$metadata.httpStatusCode,
      requestId: e.$metadata.requestId };
  }
}`;

async function bundle(
  withPlugin: boolean,
): Promise<{ text: string; failWith: (code: string, status: number) => Promise<unknown> }> {
  const file = join(dir, `ssm-${withPlugin}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    outfile: file,
    plugins: withPlugin ? [sdkSchemaKeys] : [],
    banner: {
      js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return { text: readFileSync(file, 'utf8'), ...(await import(pathToFileURL(file).href)) };
}

describe('the SSM error-registry bundling step', () => {
  // Both bundles are built once: bundling the SSM client takes seconds on a busy machine.
  let plain: Awaited<ReturnType<typeof bundle>>;
  let pruned: Awaited<ReturnType<typeof bundle>>;
  beforeAll(async () => {
    [plain, pruned] = await Promise.all([bundle(false), bundle(true)]);
  }, 60_000);

  it.each([
    ['ParameterNotFound', 400],
    ['AccessDeniedException', 400],
    ['ThrottlingException', 400],
    ['InternalServerError', 500],
  ])('throws %s as the SDK does, by name, message, fault and metadata', async (code, status) => {
    // Act
    const [expected, actual] = await Promise.all([
      plain.failWith(code, status),
      pruned.failWith(code, status),
    ]);

    // Assess
    expect(actual).toEqual(expected);
    expect(actual).toMatchObject({ name: code, message: `said ${code}`, requestId: 'req-1' });
  });

  it('leaves the error classes the functions never read out of the bundle', async () => {
    expect(pruned.text).not.toContain('ParameterVersionLabelLimitExceeded');
  });
});
