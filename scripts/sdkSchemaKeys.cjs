/**
 * An esbuild plugin (listed in scripts/esbuildPlugins.cjs) that lets esbuild tree-shake the AWS
 * SDK's schema files. Each client's `dist-es/schemas/schemas_0.js` declares every shape and
 * operation of its service as a top-level array; the operation arrays hold an object with a
 * computed key, `{ [_h]: ["POST", "/v2/email/outbound-emails", 200] }`, where `_h` is a string
 * constant of the same file. esbuild cannot prove a computed key free of side effects, so it kept
 * every operation of the service, and through each one its request and response shapes, whether
 * the function sends that operation or not (SES v2: 50 KB of its 62 KB in the worker).
 *
 * The plugin writes those keys as the string literals they are (`{ "http": [...] }`), which
 * evaluates to the same objects, so esbuild keeps only the shapes a function's commands reach.
 * Only a key naming a `const _x = "..."` of the same file is rewritten; anything else is left as
 * it is, so a later SDK that writes its schemas otherwise is bundled as before. Measured on the
 * worker: 756 KB → 695 KB minified, zip 249,249 → 227,232 bytes, cold import ≈ 15 ms less.
 *
 * @example
 *   // serverless.yml custom.esbuild.plugins → scripts/esbuildPlugins.cjs
 *   module.exports = [compiledPolicies, require('./sdkSchemaKeys.cjs')];
 */
const { readFile } = require('node:fs/promises');
// And the error registrations of the clients whose errors Baton reads by name (sdkErrorRegistry.cjs).
const { withoutErrorRegistrations } = require('./sdkErrorRegistry.cjs');
const { withoutBarrels } = require('./sdkBarrels.cjs');

const schemaFile = /[\\/]@aws-sdk[\\/].*[\\/]dist-es[\\/](?:.*[\\/])?schemas[\\/]schemas_\d+\.js$/;
/** `const _h = "http";` — the file's string constants, one per line. */
const stringConstant = /^const (_[A-Za-z0-9_]+) = ("[^"\\\n]*");$/gm;
/** A computed object key `{ [_h]:` or `, [_h]:` naming one of those constants. */
const computedKey = /([{,] )\[(_[A-Za-z0-9_]+)\]:/g;

/** The source with each computed key that names a string constant written as that string. */
function literalKeys(source) {
  const strings = new Map();
  for (const [, name, value] of source.matchAll(stringConstant)) strings.set(name, value);
  return source.replace(computedKey, (key, before, name) =>
    strings.has(name) ? `${before}${strings.get(name)}:` : key,
  );
}

module.exports = {
  name: 'baton-sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: schemaFile }, async (args) => {
      const source = withoutErrorRegistrations(args.path, literalKeys(await readFile(args.path, 'utf8')));
      // And its imports from the SDK's core barrels, as sdkBarrels.cjs does for every other SDK file.
      return { contents: withoutBarrels(source, args.path), loader: 'js' };
    });
  },
};
