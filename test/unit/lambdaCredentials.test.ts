/**
 * The Lambda bundles take their credentials from the environment only (scripts/esbuildPlugins.cjs,
 * lib/wiring/lambdaCredentials.ts): an SDK client bundled with the plugin resolves the role's
 * credentials Lambda sets, and carries none of the default chain's other providers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const plugins = createRequire(import.meta.url)('../../scripts/esbuildPlugins.cjs') as Plugin[];
const lambdaCredentials = plugins.find((p) => p.name === 'baton-lambda-credentials')!;
const dir = mkdtempSync(join(tmpdir(), 'baton-lambda-credentials-'));
const entry = `
import { SQSClient } from '@aws-sdk/client-sqs';
const client = new SQSClient({ region: 'eu-west-1' });
try {
  const c = await client.config.credentials();
  console.log(JSON.stringify({ accessKeyId: c.accessKeyId, sessionToken: c.sessionToken }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message }));
}
`;

async function bundle(name: string, withPlugin: boolean): Promise<string> {
  const file = join(dir, `${name}.mjs`);
  const result = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    outfile: file,
    plugins: withPlugin ? [lambdaCredentials] : [],
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  return file;
}

function run(file: string, env: Record<string, string>): Record<string, string> {
  const result = spawnSync(process.execPath, [file], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(result.stdout.trim()) as Record<string, string>;
}

let withPlugin: string;
let without: string;
beforeAll(async () => {
  [withPlugin, without] = await Promise.all([bundle('lambda', true), bundle('default', false)]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('credentials in a Lambda bundle', () => {
  it('resolves the role credentials Lambda puts in the environment', () => {
    const credentials = run(withPlugin, {
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    });

    expect(credentials).toEqual({ accessKeyId: 'ASIAEXAMPLE', sessionToken: 'token' });
  });

  it('says so when the environment has none', () => {
    expect(run(withPlugin, {}).error).toBe('Unable to find environment variable credentials.');
  });

  it.each(['fromSSO', 'fromIni', 'fromTokenFile', 'fromInstanceMetadata', 'STSClient'])(
    'carries no %s, which the default chain bundles',
    (provider) => {
      expect(readFileSync(withPlugin, 'utf8')).not.toContain(provider);
      expect(readFileSync(without, 'utf8')).toContain(provider);
    },
  );
});
