/**
 * People files in the policy directory: `people:` at the top level, merged across files, checked
 * like policies (file, dotted path, line), and the approvers every policy names checked against them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { personOf } from '../../lib/domain/people';
import { loadPolicySet } from '../../lib/wiring/policyFiles';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function policyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-people-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const withApprovers = (...approvers: string[]) =>
  `model: fraud\napproval:\n  approvers: [${approvers.join(', ')}]\n`;

describe('people files', () => {
  it('merges every people file into one directory beside the policies', () => {
    const dir = policyDir({
      'fraud.yaml': withApprovers('alice', 'U0BOB'),
      'people.yaml': 'people:\n  alice: { email: alice@acme.io, slack: U0ALICE, registry: [alice] }\n',
      'team-b.yml': 'people:\n  bob:\n    email: bob@acme.io\n    slack: U0BOB\n',
    });

    const set = loadPolicySet(dir);

    expect(set.problems).toEqual([]);
    expect(set.policies.map((e) => e.file)).toEqual(['fraud.yaml']);
    expect(Object.keys(set.people.people)).toEqual(['alice', 'bob']);
    expect([personOf(set.people, 'U0ALICE').name, personOf(set.people, 'bob@acme.io').name]).toEqual([
      'alice',
      'bob',
    ]);
  });

  it('has nobody in it when there is no people file', () => {
    const set = loadPolicySet(policyDir({ 'fraud.yaml': withApprovers('U024BE7LH', 'alice@example.com') }));

    expect(set.problems).toEqual([]);
    expect(set.people).toEqual({ people: {}, identities: {} });
  });

  it.each([
    [
      'a name two files define',
      {
        'a.yaml': 'people:\n  alice: { slack: U0ALICE }\n',
        'b.yaml': 'people:\n  bob: { slack: U0BOB }\n  alice: { slack: U0ALICE2 }\n',
      },
      [{ file: 'b.yaml', path: 'people.alice', message: 'alice is already defined in a.yaml', line: 3 }],
    ],
    [
      'an identity two people in two files claim',
      {
        'a.yaml': 'people:\n  alice: { email: alice@acme.io }\n',
        'b.yaml': 'people:\n  bob:\n    email: bob@acme.io\n    registry: [bob, Alice@acme.io]\n',
      },
      [
        {
          file: 'b.yaml',
          path: 'people.bob.registry.1',
          message: 'Alice@acme.io is already an identity of alice',
          line: 4,
        },
      ],
    ],
    [
      'an approver name that is no person, e-mail or Slack id',
      { 'fraud.yaml': withApprovers('alice@acme.io', 'alcie'), 'people.yaml': 'people:\n  alice: {}\n' },
      [
        {
          file: 'fraud.yaml',
          path: 'approval.approvers.1',
          message: 'alcie is neither a person in the people files nor an e-mail address or Slack user id',
          line: 3,
        },
      ],
    ],
    [
      'a mistake inside a people file',
      { 'people.yaml': 'people:\n  alice:\n    email: alice\n    phone: 123\n' },
      [
        {
          file: 'people.yaml',
          path: 'people.alice.email',
          message: 'expected an e-mail address, got "alice"',
          line: 3,
        },
        { file: 'people.yaml', path: 'people.alice.phone', message: 'unknown key', line: 4 },
      ],
    ],
    [
      'a person name that is not one word',
      { 'people.yaml': 'people:\n  alice smith: { slack: U0ALICE }\n' },
      [
        {
          file: 'people.yaml',
          path: 'people.alice smith',
          message: 'a person name is letters, digits, dots, dashes and underscores',
          line: 2,
        },
      ],
    ],
  ])('reports %s with its file, path and line', (_, files, problems) => {
    expect(loadPolicySet(policyDir(files)).problems).toEqual(problems);
  });

  it('leaves out a policy whose approver is unknown, so nothing runs on a typo', () => {
    const set = loadPolicySet(policyDir({ 'fraud.yaml': withApprovers('bob') }));

    expect(set.policies).toEqual([]);
  });
});
