/**
 * What each function ships and what loading it costs: `serverless package` into a temporary
 * folder (the same esbuild settings as a deploy), the size of each zip, and the time to import
 * each unzipped handler module in a fresh `node` process, measured inside that process around
 * the `import()` (median of several runs). The floor is node's own startup: the wall time of
 * `node -e ""`. Runs are interleaved (startup, then every function, then again) against drift.
 *
 * @example
 *   const figures = benchBundles({ runs: 5, log: console.log });
 *   figures.bundle_bytes_worker; // 215468
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { localCredentials } from '../local/resources';
import { type CfnTemplate, packageService, readTemplate } from '../local/template';
import { median, round } from './stats';

interface Bundle {
  name: string;
  zipBytes: number;
  dir: string;
  module: string;
  env: Record<string, string>;
}

/** The template's plain-string environment of a function, as Lambda would set it (minus NODE_OPTIONS). */
function staticEnv(template: CfnTemplate, name: string): Record<string, string> {
  for (const resource of Object.values(template.Resources)) {
    const properties = resource.Properties as {
      Handler?: string;
      Environment?: { Variables?: Record<string, unknown> };
    };
    if (resource.Type !== 'AWS::Lambda::Function' || !properties.Handler?.startsWith(`functions/${name}.`)) {
      continue;
    }
    const variables = Object.entries(properties.Environment?.Variables ?? {});
    return Object.fromEntries(
      variables.filter(([k, v]) => typeof v === 'string' && k !== 'NODE_OPTIONS') as [string, string][],
    );
  }
  return {};
}

function unpack(zip: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const result = spawnSync('unzip', ['-q', '-o', zip, '-d', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`unzip ${zip} failed: ${result.stderr || result.error}`);
}

/** Wall time of one `node` run, and what it printed. */
function node(script: string, cwd: string, env: Record<string, string>): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`node -e failed in ${cwd}:\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

/** Times the import of `module` inside a fresh process; Lambda's variables keep module code honest. */
function coldImport(bundle: Bundle): number {
  const url = JSON.stringify(pathToFileURL(bundle.module).href);
  const script = `const t = performance.now(); await import(${url}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = node(script, bundle.dir, {
    ...bundle.env,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: `baton-bench-${bundle.name}`,
    LAMBDA_TASK_ROOT: bundle.dir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`${bundle.name}: unexpected output ${stdout}`);
  return ms;
}

/** An empty zip has 22 bytes; anything this small is not a bundled function. */
const minimumZipBytes = 100;

/**
 * Packages and unpacks every function. serverless-esbuild builds in the repository's `.esbuild/`,
 * so a `serverless package` running at the same time (a test run's setup) can leave a zip empty:
 * then it packages again, at most twice.
 */
function packageAndUnpack(root: string, log: (line: string) => void, attempt = 1): Bundle[] {
  const packaged = join(root, `package-${attempt}`);
  packageService({ stage: 'bench', dir: packaged });
  const zips = readdirSync(packaged)
    .filter((file) => file.endsWith('.zip'))
    .sort();
  const broken = zips.filter((file) => statSync(join(packaged, file)).size < minimumZipBytes);
  if (broken.length > 0) {
    if (attempt >= 3) throw new Error(`serverless package left empty zips: ${broken.join(', ')}`);
    log(`  ${broken.join(', ')} came out empty (a concurrent package?); packaging again`);
    return packageAndUnpack(root, log, attempt + 1);
  }
  const template = readTemplate(packaged);
  return zips.map((file) => {
    const name = file.slice(0, -'.zip'.length);
    const dir = join(root, 'unzipped', name);
    unpack(join(packaged, file), dir);
    const module = join(dir, 'functions', `${name}.mjs`);
    statSync(module);
    return {
      name,
      zipBytes: statSync(join(packaged, file)).size,
      dir,
      module,
      env: staticEnv(template, name),
    };
  });
}

export function benchBundles(options: { runs: number; log: (line: string) => void }): Record<string, number> {
  const root = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  try {
    options.log('  serverless package (esbuild, as for a deploy)');
    const bundles = packageAndUnpack(root, options.log);

    options.log(`  ${options.runs} fresh-process imports of ${bundles.length} bundles`);
    const startup: number[] = [];
    const imports = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
    for (let run = 0; run < options.runs; run++) {
      startup.push(node('', root, {}).ms);
      for (const bundle of bundles) imports.get(bundle.name)!.push(coldImport(bundle));
    }

    const figures: Record<string, number> = {};
    for (const bundle of bundles) figures[`bundle_bytes_${bundle.name}`] = bundle.zipBytes;
    for (const bundle of bundles)
      figures[`cold_import_ms_${bundle.name}`] = round(median(imports.get(bundle.name)!), 1);
    figures.node_startup_ms = round(median(startup), 1);
    return figures;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
