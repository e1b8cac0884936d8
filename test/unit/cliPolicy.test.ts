import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';
import { captureOutput } from '../support/captureOutput';

const capture = captureOutput;

let dir: string | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('baton policy validate', () => {
  it("accepts the repository's own policies and lists their model patterns", async () => {
    const output = capture();

    const code = await main(['policy', 'validate', 'policies']);

    expect(code).toBe(0);
    expect(output()).toMatch(/^\d+ polic(y|ies) and \d+ (person|people) OK in policies\n/);
    expect(output()).toContain('  baton-demo ');
    expect(output()).toContain('policies/fraud-detector.yaml');
  });

  it('counts the people of the people files and names them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-cli-policies-'));
    writeFileSync(join(dir, 'fraud.yaml'), 'model: fraud\napproval: { approvers: [alice, U0BOB] }\n');
    writeFileSync(
      join(dir, 'people.yaml'),
      'people:\n  alice: { slack: U0ALICE }\n  bob: { slack: U0BOB }\n',
    );
    const output = capture();

    const code = await main(['policy', 'validate', dir]);

    expect(code).toBe(0);
    expect(output()).toBe(
      `1 policy and 2 people OK in ${dir}\n  fraud  ${join(dir, 'fraud.yaml')}\n  people in ${join(dir, 'people.yaml')}: alice, bob\n`,
    );
  });

  it('reports an approver who is no known person, e-mail address or Slack id', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-cli-policies-'));
    writeFileSync(join(dir, 'fraud.yaml'), 'model: fraud\napproval:\n  approvers: [alcie]\n');
    writeFileSync(join(dir, 'people.yaml'), 'people:\n  alice: { slack: U0ALICE }\n');
    const output = capture();

    const code = await main(['policy', 'validate', dir]);

    expect(code).toBe(2);
    expect(output()).toContain(
      `${join(dir, 'fraud.yaml')}: approval.approvers.0: alcie is neither a person in the people files nor an e-mail address or Slack user id (line 3)`,
    );
  });

  it('validates policies/ when no directory is given', async () => {
    const output = capture();

    const code = await main(['policy', 'validate']);

    expect(code).toBe(0);
    expect(output()).toContain('OK in policies');
  });

  it('prints every problem as file: path: message and exits 2', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-cli-policies-'));
    writeFileSync(join(dir, 'good.yaml'), 'model: good\n');
    writeFileSync(
      join(dir, 'bad.yaml'),
      'model: bad\nchecks:\n  metrics: [{ name: val_auc }]\n  colour: red\n',
    );
    writeFileSync(join(dir, 'syntax.yaml'), 'model: [unclosed\n');
    const output = capture();

    const code = await main(['policy', 'validate', dir]);

    expect(code).toBe(2);
    const lines = output().trimEnd().split('\n');
    expect(lines).toContain(`${join(dir, 'bad.yaml')}: checks.metrics.0: give min, max or both (line 3)`);
    expect(lines).toContain(`${join(dir, 'bad.yaml')}: checks.colour: unknown key (line 4)`);
    expect(lines.some((l) => l.startsWith(`${join(dir!, 'syntax.yaml')}: line 2, column 1: `))).toBe(true);
    expect(lines.at(-1)).toMatch(/^\d+ problems in 2 files; 1 valid$/);
  });

  it('exits 2 with a message when the directory does not exist', async () => {
    const output = capture();

    const code = await main(['policy', 'validate', join(tmpdir(), 'baton-no-such-policies')]);

    expect(code).toBe(2);
    expect(output()).toContain('cannot read the policy directory');
  });

  it('exits 2 with its usage for an unknown subcommand', async () => {
    const output = capture();

    const code = await main(['policy', 'lint']);

    expect(code).toBe(2);
    expect(output()).toContain('usage: baton policy validate [DIR]');
  });
});
