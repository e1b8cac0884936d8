/**
 * The bundling plugin that makes the AWS SDK's schema files tree-shakeable
 * (scripts/sdkSchemaKeys.cjs): what it bundles must evaluate to the same schemas as the SDK's own
 * files, and it must leave out the operations a function never sends.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const sdkSchemaKeys = createRequire(import.meta.url)('../../scripts/sdkSchemaKeys.cjs') as Plugin;
const dir = mkdtempSync(join(tmpdir(), 'baton-sdk-schema-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles `contents` as the functions are bundled (minify aside), with or without the plugin. */
async function bundle(
  name: string,
  contents: string,
  withPlugin: boolean,
): Promise<{ file: string; text: string }> {
  const file = join(dir, `${name}-${withPlugin}.mjs`);
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    outfile: file,
    write: true,
    plugins: withPlugin ? [sdkSchemaKeys] : [],
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  return { file, text: readFileSync(file, 'utf8') };
}

/** A schema with its lazy references (`() => Shape$`) followed one level down, for comparing. */
function resolved(value: unknown, depth = 0): unknown {
  if (typeof value === 'function')
    return depth < 2 && value.length === 0 ? resolved(value(), depth + 1) : value.name;
  if (Array.isArray(value)) return value.map((v) => resolved(v, depth));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolved(v, depth)]));
  return value;
}

describe('the SDK schema-keys bundling plugin', () => {
  it.each(['client-sesv2', 'client-ssm', 'client-sqs', 'client-dynamodb'])(
    'bundles the same %s schemas as the SDK declares',
    async (client) => {
      const source = `export * from '@aws-sdk/${client}/dist-es/schemas/schemas_0.js';`;
      const [plain, rewritten] = await Promise.all([
        bundle(client, source, false),
        bundle(client, source, true),
      ]);

      const [before, after] = await Promise.all([
        import(pathToFileURL(plain.file).href),
        import(pathToFileURL(rewritten.file).href),
      ]);

      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      expect(resolved({ ...after })).toEqual(resolved({ ...before }));
    },
  );

  it('leaves out the SES operations a function never sends', async () => {
    const source = `import { SendEmailCommand } from '@aws-sdk/client-sesv2'; export { SendEmailCommand };`;

    const { text } = await bundle('send-email', source, true);

    expect(text).toContain('/v2/email/outbound-emails');
    expect(text).not.toContain('/v2/email/contact-lists');
  });
});
