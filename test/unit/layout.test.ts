/**
 * The house keeps its shape: the pure core imports only itself, the event schemas and zod; no two
 * files of lib/ import each other round a circle; no file holds more than one idea's 300 lines, and
 * a handler only parses, calls the application and maps the result; no hand-written AWS signing.
 * Read from the source text (static `import`/`export … from` statements, type-only ones included,
 * and `import()` calls), so a change that breaks a rule fails here, naming the files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Every .ts file under `dir`, relative to the repository. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file))
    .sort();
}

const specifierPattern =
  /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*'([^']+)'|(?:^|\n)\s*import\s*'([^']+)'/g;
const dynamicPattern = /\bimport\(\s*'([^']+)'\s*\)/g;

/** What `file` imports: the specifiers of its static statements, and of its `import()` calls. */
function importsOf(file: string): { static: string[]; dynamic: string[] } {
  const text = readFileSync(join(root, file), 'utf8');
  return {
    static: [...text.matchAll(specifierPattern)].map((m) => (m[1] ?? m[2])!),
    dynamic: [...text.matchAll(dynamicPattern)].map((m) => m[1]!),
  };
}

const known = new Set(['lib', 'events', 'functions', 'cli', 'local'].flatMap(sources));

/** A relative specifier of `from` as a repository path (`../ports` → lib/domain/ports.ts). */
function fileOf(from: string, specifier: string): string {
  const base = relative(root, resolve(root, dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')])
    if (known.has(candidate)) return candidate;
  throw new Error(`${from}: ${specifier} names no source file`);
}

const lineCount = (file: string) => readFileSync(join(root, file), 'utf8').trimEnd().split('\n').length;

describe('the layout', () => {
  it('keeps lib/domain pure: it imports only lib/domain, events/ and zod', () => {
    const outside = sources('lib/domain').flatMap((file) => {
      const { static: imported, dynamic } = importsOf(file);
      return [...imported, ...dynamic]
        .filter((specifier) => {
          if (specifier === 'zod' || specifier === 'zod/mini') return false;
          if (!specifier.startsWith('.')) return true;
          const target = fileOf(file, specifier);
          return !target.startsWith('lib/domain/') && !target.startsWith('events/');
        })
        .map((specifier) => `${file} imports ${specifier}`);
    });

    expect(outside).toEqual([]);
  });

  it('has no import cycle in lib/', () => {
    const files = sources('lib');
    const edges = new Map(
      files.map((file) => [
        file,
        importsOf(file)
          .static.filter((specifier) => specifier.startsWith('.'))
          .map((specifier) => fileOf(file, specifier))
          .filter((target) => target.startsWith('lib/')),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);

    expect(cycles).toEqual([]);
  });

  it('keeps every source file at 300 lines or fewer', () => {
    const long = ['lib', 'functions', 'cli', 'events', 'local']
      .flatMap(sources)
      .map((file) => [file, lineCount(file)] as const)
      .filter(([, lines]) => lines > 300)
      .map(([file, lines]) => `${file}: ${lines} lines`);

    expect(long).toEqual([]);
  });

  it('keeps every handler at 45 lines or fewer', () => {
    const handlers = sources('functions');
    const long = handlers
      .map((file) => [file, lineCount(file)] as const)
      .filter(([, lines]) => lines > 45)
      .map(([file, lines]) => `${file}: ${lines} lines`);

    expect(handlers.length).toBeGreaterThanOrEqual(10);
    expect(long).toEqual([]);
  });

  it('speaks to AWS through the official clients only: no hand-written signing in lib/', () => {
    const signing = sources('lib').filter((file) =>
      /AWS4-HMAC-SHA256|x-amz-date|X-Amz-Signature/i.test(readFileSync(join(root, file), 'utf8')),
    );
    const dependencies = Object.keys(
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: object }).dependencies,
    );

    expect(signing).toEqual([]);
    expect(dependencies).toEqual(
      expect.arrayContaining([
        '@aws-sdk/client-dynamodb',
        '@aws-sdk/lib-dynamodb',
        '@aws-sdk/client-sqs',
        '@aws-sdk/client-sns',
        '@aws-sdk/client-ssm',
        '@aws-sdk/client-sagemaker',
        '@aws-sdk/client-cloudwatch',
      ]),
    );
  });
});
