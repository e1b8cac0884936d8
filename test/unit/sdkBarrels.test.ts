/**
 * The bundling plugin that points the AWS SDK's imports from its core barrels at the declaring
 * files (scripts/sdkBarrels.cjs): a client bundled with it sends the very request it sends without
 * it, and code splitting no longer loads, with a JSON client, the protocols only another chunk's
 * client speaks.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { plugin: sdkBarrels, withoutBarrels } = require('../../scripts/sdkBarrels.cjs') as {
  plugin: Plugin;
  withoutBarrels: (source: string, path: string) => string;
};
// Inside the repository (its node_modules resolve from there); .baton/ is ignored by git.
mkdirSync('.baton', { recursive: true });
const dir = mkdtempSync(join(resolve('.baton'), 'sdk-barrels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles `files` (name → source) as the functions are bundled (minify aside), with or without the plugin. */
async function bundle(name: string, files: Record<string, string>, withPlugin: boolean): Promise<string> {
  const src = join(dir, `${name}-src`);
  mkdirSync(src, { recursive: true });
  for (const [file, contents] of Object.entries(files)) writeFileSync(join(src, file), contents);
  const out = join(dir, `${name}-${withPlugin}`);
  const result = await build({
    entryPoints: Object.keys(files).map((file) => join(src, file)),
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    outdir: out,
    outExtension: { '.js': '.mjs' },
    write: true,
    logLevel: 'silent',
    plugins: withPlugin ? [sdkBarrels] : [],
  });
  expect(result.errors).toEqual([]);
  return out;
}

/** A module that sends one DynamoDB GetItem to a request handler recording it, and exports that request. */
const getItem = `
  import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
  import { Readable } from 'node:stream';
  export async function sent() {
    let request;
    const requestHandler = {
      handle: async (r) => {
        request = r;
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Readable.from([Buffer.from('{"Item":{"pk":{"S":"a"}}}')]) } };
      },
      updateHttpClientConfig() {}, httpHandlerConfigs: () => ({}), destroy() {},
    };
    const client = new DynamoDBClient({ region: 'eu-west-1', requestHandler, systemClockOffset: 0,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } });
    const answer = await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }));
    return JSON.parse(JSON.stringify({ method: request.method, path: request.path, body: String(request.body),
      target: request.headers['x-amz-target'], item: answer.Item }));
  }`;

describe('the SDK barrels bundling plugin', () => {
  it('takes each name a file imports from a core barrel from the file that declares it', () => {
    const from = require.resolve('@aws-sdk/dynamodb-codec/package.json');

    const rewritten = withoutBarrels(
      'import { NormalizedSchema, TypeRegistry as Registry } from "@smithy/core/schema";',
      from,
    );

    expect(rewritten).toMatch(
      /^import \{ NormalizedSchema \} from ".*[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]schema[\\/]schemas[\\/]NormalizedSchema\.js"; import \{ TypeRegistry as Registry \} from ".*[\\/]schema[\\/]TypeRegistry\.js";$/,
    );
  });

  it('leaves an import it cannot follow as it was', () => {
    const from = require.resolve('@aws-sdk/dynamodb-codec/package.json');
    const namespace = 'import * as schema from "@smithy/core/schema";';
    const unknown = 'import { NoSuchName } from "@smithy/core/schema";';

    expect(withoutBarrels(namespace, from)).toBe(namespace);
    expect(withoutBarrels(unknown, from)).toBe(unknown);
  });

  it('bundles a DynamoDB client that sends the same request as without it', async () => {
    const [plain, rewritten] = await Promise.all([
      bundle('get-item', { 'get-item.js': getItem }, false),
      bundle('get-item', { 'get-item.js': getItem }, true),
    ]);
    const [before, after] = await Promise.all([
      import(pathToFileURL(join(plain, 'get-item.mjs')).href).then((m) => m.sent()),
      import(pathToFileURL(join(rewritten, 'get-item.mjs')).href).then((m) => m.sent()),
    ]);

    expect(after).toEqual(before);
    expect(after).toMatchObject({ target: 'DynamoDB_20120810.GetItem', item: { pk: { S: 'a' } } });
  });

  it("keeps the Query protocol of another chunk's client out of a JSON client's chunks", async () => {
    const files = {
      'main.js': `${getItem}\nexport const sns = () => import('./sns-entry.js');`,
      'sns-entry.js': `export { SNSClient } from '@aws-sdk/client-sns';`,
    };
    const loadedByMain = (out: string) => {
      const main = readFileSync(join(out, 'main.mjs'), 'utf8');
      const chunks = [...main.matchAll(/from\s*"\.\/([^"]+\.mjs)"/g)].map((m) => m[1]!);
      return [main, ...chunks.map((chunk) => readFileSync(join(out, chunk), 'utf8'))].join('\n');
    };

    const [plain, rewritten] = await Promise.all([
      bundle('split', files, false),
      bundle('split', files, true),
    ]);

    // The Query protocol's serializer names its settings `serializeEmptyLists`; nothing JSON does.
    expect(loadedByMain(plain)).toContain('serializeEmptyLists');
    expect(loadedByMain(rewritten)).not.toContain('serializeEmptyLists');
    expect(readdirSync(rewritten).join(' ')).toMatch(/sns-entry\.mjs/);
  });
});
