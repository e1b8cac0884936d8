/**
 * The compiled policies the functions ship: what `serverless package` writes is what the worker
 * reads back, people included, and the reader checks everything again (fail closed).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compilePolicySet } from '../../lib/adapters/policy/compiledPolicies';
import { InvalidPolicySetError, MissingCompiledPoliciesError } from '../../lib/adapters/policy/errors';
import { policiesDigest, readSealedPolicies } from '../../lib/adapters/policy/sealedPolicies';
import { loadPolicySet } from '../../lib/wiring/policyFiles';
import { readCompiledPolicies } from '../../lib/wiring/policySchema';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-compiled-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('compiled policies', () => {
  it('reads back the policies and the people directory it was compiled from', () => {
    const source = loadPolicySet('policies');
    const out = join(scratch({}), 'policies.json');
    writeFileSync(out, compilePolicySet(source));

    const read = readCompiledPolicies(out);

    expect(read.policies).toEqual(source.policies);
    expect(read.people).toEqual(source.people);
    expect(Object.keys(read.people.people).length).toBeGreaterThan(0);
  });

  it('reads a file compiled before people files existed, with nobody in the directory', () => {
    const dir = scratch({
      'policies.json': JSON.stringify({ format: 1, policies: [{ file: 'a.yaml', policy: { model: 'a' } }] }),
    });

    const read = readCompiledPolicies(join(dir, 'policies.json'));

    expect(read.policies.map((e) => e.policy.model)).toEqual(['a']);
    expect(read.people).toEqual({ people: {}, identities: {} });
  });

  it('refuses compiled people that claim one identity twice', () => {
    const people = [
      { file: 'people.yaml', people: { alice: { slack: 'U0X' } } },
      { file: 'more.yaml', people: { bob: { slack: 'U0X' } } },
    ];
    const dir = scratch({ 'policies.json': JSON.stringify({ format: 1, policies: [], people }) });

    expect(() => readCompiledPolicies(join(dir, 'policies.json'))).toThrow(
      new InvalidPolicySetError(join(dir, 'policies.json'), [
        { file: 'more.yaml', path: 'people.bob.slack', message: 'U0X is already an identity of alice' },
      ]),
    );
  });
});

describe('sealed compiled policies (how a bundle reads them)', () => {
  function compiled(): { path: string; text: string } {
    const text = compilePolicySet(loadPolicySet('policies'));
    const path = join(scratch({ 'policies.json': text }), 'policies.json');
    return { path, text };
  }

  it('reads back the policies and the people of the file the build sealed', () => {
    const { path, text } = compiled();

    const read = readSealedPolicies(path, policiesDigest(Buffer.from(text)));

    expect(read.policies).toEqual(loadPolicySet('policies').policies);
    expect(read.people).toEqual(loadPolicySet('policies').people);
  });

  it('refuses a file changed since it was sealed, by a single byte', () => {
    const { path, text } = compiled();
    const digest = policiesDigest(Buffer.from(text));
    writeFileSync(path, text.replace('"format": 1', '"format": 1 '));

    expect(() => readSealedPolicies(path, digest)).toThrow(
      new InvalidPolicySetError(path, [
        {
          file: 'policies.json',
          path: '(file)',
          message: 'not the policies this package was built with (its SHA-256 differs); package again',
        },
      ]),
    );
  });

  it('refuses a missing file', () => {
    const path = join(scratch({}), 'policies.json');

    expect(() => readSealedPolicies(path, 'a'.repeat(64))).toThrow(MissingCompiledPoliciesError);
  });

  it('still cross-checks the people of a sealed file', () => {
    const people = [
      { file: 'people.yaml', people: { alice: { slack: 'U0X', registry: [] } } },
      { file: 'more.yaml', people: { bob: { slack: 'U0X', registry: [] } } },
    ];
    const text = JSON.stringify({ format: 1, policies: [], people });
    const path = join(scratch({ 'policies.json': text }), 'policies.json');

    expect(() => readSealedPolicies(path, policiesDigest(Buffer.from(text)))).toThrow(
      new InvalidPolicySetError(path, [
        { file: 'more.yaml', path: 'people.bob.slack', message: 'U0X is already an identity of alice' },
      ]),
    );
  });
});
