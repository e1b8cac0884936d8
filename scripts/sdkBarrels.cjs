/**
 * An esbuild plugin (listed in scripts/esbuildPlugins.cjs) that points the AWS SDK's imports from
 * its core barrels (`import { NormalizedSchema } from "@smithy/core/schema"`, the submodules of
 * `@smithy/core` and `@aws-sdk/core`) at the files that declare those names.
 *
 * Why: with code splitting, esbuild gives a file to the chunk of every entry that reaches it
 * through import statements, used or not. A barrel re-exports every protocol, so the worker, whose
 * own clients (DynamoDB, SSM) speak JSON, reached through `@aws-sdk/core/protocols` the Query,
 * XML and REST protocols its on-demand clients (SNS, SES, SageMaker, CloudWatch) use: 35 KB in the
 * code loaded at import that only on-demand chunks run. Imported from their own files, they stay
 * in those chunks. The same objects, the same modules: only the path of each import changes.
 *
 * Conservative: an import is rewritten only when every name it takes is found exported, by name,
 * along `export { … } from "./file"` lines (the form the SDK's barrels use); anything else (a
 * namespace import, `export *`, a name not found) is left as it was, so a later SDK that writes
 * its barrels otherwise is bundled as before, only larger.
 *
 * @example
 *   // in: import { NormalizedSchema, TypeRegistry } from "@smithy/core/schema";
 *   // out: import { NormalizedSchema } from "/…/schema/schemas/NormalizedSchema.js";
 *   //      import { TypeRegistry } from "/…/schema/TypeRegistry.js";
 */
const { existsSync, readFileSync } = require('node:fs');
const { readFile } = require('node:fs/promises');
const { dirname, join } = require('node:path');

/** The SDK's core barrels: `@smithy/core/<submodule>` and `@aws-sdk/core/<submodule>`. */
const barrelSpecifier = /^@(?:smithy|aws-sdk)\/core\/[a-z0-9-]+$/;
/** `import { a, b as c } from "spec";` and `export { a, b as c } from "spec";` */
const namedFrom = /\b(import|export)\s*\{([^}]*)\}\s*from\s*"([^"]+)";?/g;
const sdkFile = /[\\/]node_modules[\\/]@(?:aws-sdk|smithy)[\\/].*[\\/]dist-es[\\/].*\.js$/;

/** The file a relative specifier of `from` names (`./x` → x.js or x/index.js), or undefined. */
function fileOf(from, relative) {
  const base = join(dirname(from), relative);
  for (const candidate of [base, `${base}.js`, join(base, 'index.js')]) {
    if (candidate.endsWith('.js') && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** `a`, `b as c` → [{ imported: 'a', local: 'a' }, { imported: 'b', local: 'c' }]; null for `type`/`default`. */
function specifiers(list) {
  const names = [];
  for (const part of list.split(',')) {
    const text = part.trim();
    if (!text) continue;
    const match = /^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(text);
    if (!match || match[1] === 'default') return null;
    names.push({ imported: match[1], local: match[2] ?? match[1] });
  }
  return names;
}

/**
 * The ESM barrel a core specifier names from `from` (the package's `module` export, which esbuild
 * bundles), found as Node finds packages: in the nearest node_modules up from `from`.
 */
function coreBarrel(from, specifier) {
  const [scope, name, submodule] = specifier.split('/');
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', scope, name, 'package.json');
    if (existsSync(manifest)) {
      const entry = JSON.parse(readFileSync(manifest, 'utf8')).exports?.[`./${submodule}`];
      const target = typeof entry === 'string' ? entry : (entry?.module ?? entry?.import);
      return target ? join(dirname(manifest), target) : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const declared = new Map();

/** Where each name a barrel file exports is declared: name → { file, name there }, following barrels. */
function exportsOf(file, depth = 0) {
  if (declared.has(file)) return declared.get(file);
  const found = new Map();
  declared.set(file, found);
  if (depth > 8) return found;
  const source = readFileSync(file, 'utf8');
  for (const [, keyword, list, from] of source.matchAll(namedFrom)) {
    if (keyword !== 'export') continue;
    const target = from.startsWith('.')
      ? fileOf(file, from)
      : barrelSpecifier.test(from) && coreBarrel(file, from);
    const names = specifiers(list);
    if (!target || !names) continue;
    const further = exportsOf(target, depth + 1);
    for (const { imported, local } of names) {
      found.set(local, further.get(imported) ?? { file: target, name: imported });
    }
  }
  return found;
}

/**
 * `source` (the file at `path`) with each import from a core barrel taken from the declaring
 * files, where all its names are found.
 */
function withoutBarrels(source, path) {
  return source.replace(namedFrom, (whole, keyword, list, from) => {
    if (!barrelSpecifier.test(from)) return whole;
    const barrel = coreBarrel(path, from);
    const names = specifiers(list);
    if (!barrel || !names || names.length === 0) return whole;
    const exported = exportsOf(barrel);
    if (!names.every(({ imported }) => exported.has(imported))) return whole;
    return names
      .map(({ imported, local }) => {
        const at = exported.get(imported);
        const name = at.name === local ? local : `${at.name} as ${local}`;
        return `${keyword} { ${name} } from ${JSON.stringify(at.file)};`;
      })
      .join(' ');
  });
}

module.exports = {
  withoutBarrels,
  plugin: {
    name: 'baton-sdk-barrels',
    setup(build) {
      build.onLoad({ filter: sdkFile }, async (args) => {
        // The schema files are read by sdkSchemaKeys.cjs, which calls `withoutBarrels` itself.
        if (/[\\/]schemas[\\/]schemas_\d+\.js$/.test(args.path)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('/core/')) return undefined;
        return { contents: withoutBarrels(source, args.path), loader: 'js' };
      });
    },
  },
};
