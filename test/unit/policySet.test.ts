import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidPolicySetError, PolicyDirectoryError } from '../../lib/adapters/policy/errors';
import { compileModelPattern } from '../../lib/adapters/policy/modelPattern';
import { byPrecedence, policyFor, resolvePoliciesDir } from '../../lib/adapters/policy/policySet';
import { loadPolicySet, loadPolicySetFromEnv } from '../../lib/wiring/policyFiles';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh policy directory holding `files` (name → YAML text). */
function policyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-policies-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const valid = (model: string) =>
  `model: "${model}"\nchecks:\n  metrics:\n    - { name: val_auc, min: 0.8 }\n`;

describe('loading a policy directory', () => {
  it('loads every .yaml and .yml file by file name, ignoring other files and dot-files', () => {
    const dir = policyDir({
      'b.yml': valid('model-b'),
      'a.yaml': valid('model-a'),
      'README.md': '# not a policy',
      '.#a.yaml': 'editor: lock file',
    });

    const set = loadPolicySet(dir);

    expect(set.problems).toEqual([]);
    expect(set.policies.map((e) => [e.file, e.policy.model])).toEqual([
      ['a.yaml', 'model-a'],
      ['b.yml', 'model-b'],
    ]);
  });

  it('fills in the schema defaults', () => {
    const dir = policyDir({ 'demo.yaml': 'model: baton-demo\n' });

    const [entry] = loadPolicySet(dir).policies;

    expect(entry?.policy.checks.runStatus).toEqual(['FINISHED']);
    expect(entry?.policy.aliases.champion).toBe('champion');
  });

  it('reports every problem in every file with its file, dotted path and line', () => {
    const dir = policyDir({
      'fraud.yaml': [
        'model: fraud-detector',
        'checks:',
        '  requiredTag: [git_sha]',
        '  metrics:',
        '    - { name: val_auc }',
        'rollout:',
        '  endpoint: { kind: k8s }',
        '  steps: []',
        'retrain: { target: { kind: http, url: not-a-url } }',
      ].join('\n'),
      'churn.yaml': 'checks: {}\napproval: { expiresAfter: 3 weeks, minApprovals: 0 }\n',
      'ok.yaml': valid('ok'),
    });

    const { problems, policies } = loadPolicySet(dir);

    expect(problems).toEqual([
      { file: 'churn.yaml', path: 'model', message: 'missing', line: 1 },
      { file: 'churn.yaml', path: 'approval.minApprovals', message: 'must be at least 1', line: 2 },
      {
        file: 'churn.yaml',
        path: 'approval.expiresAfter',
        message: 'expected a duration such as 30m, 6h or 3d',
        line: 2,
      },
      { file: 'fraud.yaml', path: 'checks.metrics.0', message: 'give min, max or both', line: 5 },
      { file: 'fraud.yaml', path: 'checks.requiredTag', message: 'unknown key', line: 3 },
      {
        file: 'fraud.yaml',
        path: 'rollout.endpoint.kind',
        message: 'expected one of sagemaker, databricks, none, got "k8s"',
        line: 7,
      },
      { file: 'fraud.yaml', path: 'rollout.steps', message: 'needs at least 1 item', line: 8 },
      { file: 'fraud.yaml', path: 'retrain.target.url', message: 'expected a URL, got "not-a-url"', line: 9 },
    ]);
    expect(policies.map((e) => e.file)).toEqual(['ok.yaml']);
  });

  it('names the allowed kinds when a retrain target has an unknown kind', () => {
    const dir = policyDir({ 'x.yaml': 'model: x\nretrain:\n  target: { kind: github }\n' });

    const { problems } = loadPolicySet(dir);

    expect(problems).toEqual([
      {
        file: 'x.yaml',
        path: 'retrain.target.kind',
        message: 'expected one of http, sqs, databricks-job, got "github"',
        line: 3,
      },
    ]);
  });

  it('reports a YAML syntax error with its line and column', () => {
    const dir = policyDir({ 'broken.yaml': 'model: x\nchecks:\n\trequireDescription: true\n' });

    const { problems, policies } = loadPolicySet(dir);

    expect(problems).toEqual([
      { file: 'broken.yaml', path: 'line 3, column 1', message: 'Tabs are not allowed as indentation' },
    ]);
    expect(policies).toEqual([]);
  });

  it('reports a file holding more than one YAML document', () => {
    const dir = policyDir({ 'two.yaml': 'model: a\n---\nmodel: b\n' });

    const { problems } = loadPolicySet(dir);

    expect(problems).toEqual([
      {
        file: 'two.yaml',
        path: 'line 2, column 1',
        message: 'one policy per file, but this file holds several YAML documents (---)',
      },
    ]);
  });

  it('reports an empty file as a document that is not a policy', () => {
    const dir = policyDir({ 'empty.yaml': '' });

    const { problems } = loadPolicySet(dir);

    expect(problems).toEqual([
      { file: 'empty.yaml', path: '(document)', message: 'expected a mapping, got nothing', line: undefined },
    ]);
  });

  it('reports the second of two files claiming the same exact model, and keeps the first', () => {
    const dir = policyDir({ 'a.yaml': valid('fraud-detector'), 'b.yaml': valid('fraud-detector') });

    const { problems, policies } = loadPolicySet(dir);

    expect(problems).toEqual([
      { file: 'b.yaml', path: 'model', message: 'fraud-detector is already claimed by a.yaml' },
    ]);
    expect(policies.map((e) => e.file)).toEqual(['a.yaml']);
  });

  it('reports a model glob that cannot be compiled', () => {
    const dir = policyDir({ 'glob.yaml': 'model: "fraud-[ab"\n' });

    const { problems } = loadPolicySet(dir);

    expect(problems).toEqual([
      { file: 'glob.yaml', path: 'model', message: 'unterminated [ at character 7', line: 1 },
    ]);
  });

  it('throws PolicyDirectoryError for a directory that does not exist', () => {
    const missing = join(tmpdir(), 'baton-no-such-policies');

    expect(() => loadPolicySet(missing)).toThrow(PolicyDirectoryError);
  });
});

describe('choosing the policy for a model', () => {
  const policies = loadPolicySet(
    policyDir({
      'fraud-detector.yaml': valid('fraud-detector'),
      'fraud-detector-v.yaml': valid('fraud-detector-v?'),
      'fraud-detector-any.yaml': valid('fraud-detector-*'),
      'fraud-any.yaml': valid('fraud-*'),
      'risk-any.yaml': valid('risk-*'),
      'risk-one-or-more.yaml': valid('risk-?*'),
      'a-churn-eu.yaml': valid('churn-*-eu'),
      'b-churn.yaml': valid('churn-*'),
      'z-detector.yaml': valid('*-detector'),
      'catch-all.yaml': valid('*'),
    }),
  ).policies;

  it.each([
    ['fraud-detector', 'fraud-detector', 'an exact name beats every glob'],
    ['fraud-detector-v2', 'fraud-detector-v?', 'the longest literal prefix wins'],
    ['fraud-detector-eu', 'fraud-detector-*', 'a longer prefix beats a shorter one'],
    ['fraud-scorer', 'fraud-*', 'the only matching glob with a prefix beats the catch-all'],
    ['risk-model', 'risk-*', 'with equal prefixes, the fewest wildcards win'],
    ['card-detector', '*-detector', 'with equal prefixes and wildcards, more literal text wins'],
    ['churn-x-eu', 'churn-*-eu', 'a full tie goes to the file name that sorts first'],
    ['churn-x', 'churn-*', 'a glob that does not match never wins'],
    ['anything-else', '*', 'the catch-all governs what nothing else matches'],
  ])('%s is governed by %s: %s', (model, expected) => {
    const policy = policyFor(policies, model);

    expect(policy?.model).toBe(expected);
  });

  it('returns undefined for a model no policy matches, so the worker records it as unmanaged', () => {
    const set = loadPolicySet(policyDir({ 'fraud.yaml': valid('fraud-*') }));

    const policy = policyFor(set.policies, 'churn-model');

    expect(policy).toBeUndefined();
  });

  it('lists policies in the order matching tries them', () => {
    const ordered = byPrecedence(policies).map((e) => e.policy.model);

    expect(ordered).toEqual([
      'fraud-detector',
      'fraud-detector-v?',
      'fraud-detector-*',
      'churn-*-eu',
      'churn-*',
      'fraud-*',
      'risk-*',
      'risk-?*',
      '*-detector',
      '*',
    ]);
  });
});

describe('model globs', () => {
  it.each([
    ['fraud-?', 'fraud-1', true],
    ['fraud-?', 'fraud-12', false],
    ['fraud-[abc]', 'fraud-b', true],
    ['fraud-[a-c]', 'fraud-d', false],
    ['fraud-[!abc]', 'fraud-b', false],
    ['fraud-[!abc]', 'fraud-d', true],
    ['cat.schema.*', 'cat.schema.fraud', true],
    ['cat.schema.*', 'catXschemaXfraud', false],
    ['fraud\\*', 'fraud*', true],
    ['fraud\\*', 'fraud-x', false],
    ['[]]x', ']x', true],
    ['Fraud-*', 'fraud-x', false],
    ['a(b)+', 'a(b)+', true],
  ])('%s matches %s: %s', (pattern, model, expected) => {
    const { regexp } = compileModelPattern(pattern);

    expect(regexp.test(model)).toBe(expected);
  });
});

describe('policies at run time', () => {
  it('resolves POLICIES_DIR against the Lambda task root', () => {
    const dir = resolvePoliciesDir({ LAMBDA_TASK_ROOT: '/var/task' });

    expect(dir).toBe('/var/task/policies');
  });

  it('keeps an absolute POLICIES_DIR as it is', () => {
    const dir = resolvePoliciesDir({ LAMBDA_TASK_ROOT: '/var/task', POLICIES_DIR: '/opt/policies' });

    expect(dir).toBe('/opt/policies');
  });

  it('reads the policies once per cold start', () => {
    const root = policyDir({});
    mkdirSync(join(root, 'policies'));
    writeFileSync(join(root, 'policies', 'a.yaml'), valid('model-a'));
    const first = loadPolicySetFromEnv({ LAMBDA_TASK_ROOT: root });
    writeFileSync(join(root, 'policies', 'b.yaml'), valid('model-b'));

    const second = loadPolicySetFromEnv({ LAMBDA_TASK_ROOT: root });

    expect(second).toBe(first);
    expect(second.policies.map((e) => e.file)).toEqual(['a.yaml']);
  });

  it('refuses the whole set when any file is invalid, naming the problem', () => {
    const dir = policyDir({
      'a.yaml': valid('model-a'),
      'b.yaml': 'model: b\nchecks: { metrics: [{ name: x }] }\n',
    });

    const load = () => loadPolicySetFromEnv({ POLICIES_DIR: dir });

    expect(load).toThrow(InvalidPolicySetError);
    expect(load).toThrow('b.yaml: checks.metrics.0: give min, max or both (line 2)');
  });
});
