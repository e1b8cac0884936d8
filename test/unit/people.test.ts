/**
 * The people directory: one person, every identity. Quorum and self-approval rest on these rules.
 */
import { describe, expect, it } from 'vitest';
import {
  approverFor,
  buildPeopleDirectory,
  describePerson,
  emptyDirectory,
  personOf,
  samePerson,
} from '../../lib/domain/people';
import { peopleFileSchema } from '../../lib/domain/peopleFile';

const { directory } = buildPeopleDirectory({
  alice: { email: 'alice@acme.io', slack: 'U0ALICE', registry: ['alice', 'asmith'] },
  bob: { email: 'bob@acme.io', slack: 'U0BOB', registry: [] },
});

describe('who a person is', () => {
  it.each([
    ['the name', 'alice', 'alice'],
    ['the e-mail, in another case', 'Alice@ACME.io', 'alice'],
    ['the Slack id', 'U0ALICE', 'alice'],
    ['a registry user name', 'asmith', 'alice'],
    ['an identity nobody claims', 'carol@acme.io', 'carol@acme.io'],
    ['a Slack id nobody claims', ' U0CAROL ', 'U0CAROL'],
  ])('resolves %s to its person', (_, identity, name) => {
    expect(personOf(directory, identity).name).toBe(name);
  });

  it('gives a bare e-mail or Slack id the one identity it has', () => {
    expect([personOf(emptyDirectory, 'bob@acme.io'), personOf(emptyDirectory, 'U0BOB')]).toEqual([
      { name: 'bob@acme.io', email: 'bob@acme.io', identities: ['bob@acme.io'] },
      { name: 'U0BOB', slack: 'U0BOB', identities: ['u0bob'] },
    ]);
  });

  it.each([
    ['a Slack id and an e-mail of one person', 'U0ALICE', 'alice@acme.io', true],
    ['a registry user and a Slack id', 'asmith', 'u0alice', true],
    ['two people', 'U0ALICE', 'bob@acme.io', false],
    ['two spellings of an unknown e-mail', 'Carol@acme.io', 'carol@ACME.io', true],
    ['an identity and nothing', 'U0ALICE', undefined, false],
    ['an identity and an empty string', 'U0ALICE', ' ', false],
  ])('tells whether %s are the same person', (_, a, b, same) => {
    expect(samePerson(directory, a, b)).toBe(same);
  });
});

describe('approvers', () => {
  it.each([
    ['listed by name, acting by Slack', ['alice'], 'U0ALICE', 'alice'],
    ['listed by e-mail, acting by Slack', ['alice@acme.io'], 'U0ALICE', 'alice'],
    ['listed by Slack id, acting by link', ['U0BOB'], 'bob@acme.io', 'bob'],
    ['listed by an e-mail nobody claims', ['carol@acme.io'], 'CAROL@acme.io', 'CAROL@acme.io'],
    ['not listed', ['bob'], 'alice@acme.io', undefined],
  ])('finds the approver %s', (_, approvers, who, name) => {
    expect(approverFor(directory, approvers, who)?.name).toBe(name);
  });

  it.each([
    ['by another identity', 'U0ALICE', 'alice (U0ALICE)'],
    ['by the name', 'alice', 'alice'],
  ])('names a person who acted %s with that identity', (_, identity, text) => {
    expect(describePerson(personOf(directory, identity), identity)).toBe(text);
  });
});

describe('building the directory', () => {
  it.each([
    [
      'an e-mail two people claim',
      { a: { email: 'x@y.z', registry: [] }, b: { email: 'X@y.z', registry: [] } },
      [{ at: ['b', 'email'], message: 'X@y.z is already an identity of a' }],
    ],
    [
      'a Slack id two people claim',
      { a: { slack: 'U0A', registry: [] }, b: { registry: ['u0a'] } },
      [{ at: ['b', 'registry', 0], message: 'u0a is already an identity of a' }],
    ],
    [
      "another person's name as an identity, whatever the order",
      { a: { registry: ['b'] }, b: { registry: [] } },
      [{ at: ['a', 'registry', 0], message: 'b is already an identity of b' }],
    ],
    [
      'one name spelt in two cases',
      { Bob: { registry: [] }, bob: { email: 'bob@y.z', registry: [] } },
      [{ at: ['Bob'], message: 'Bob is already the name of bob' }],
    ],
    ['one identity listed twice by the same person', { a: { email: 'a@y.z', registry: ['a@y.z', 'a'] } }, []],
  ])('reports %s', (_, entries, problems) => {
    expect(buildPeopleDirectory(entries).problems).toEqual(problems);
  });

  it('refuses a person name with spaces and an e-mail that is not one', () => {
    const result = peopleFileSchema.safeParse({ people: { 'a b': {}, c: { email: 'nope' } } });

    expect(result.success).toBe(false);
  });
});
