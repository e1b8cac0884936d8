/**
 * The comparison with the version holding an alias (`checks.compareTo`), the ladder it makes
 * possible (smoke → candidate → champion), the facts the worker reads for it, and the policy
 * rules around it and the entry alias.
 */
import { describe, expect, it } from 'vitest';
import { gatherValidationFacts } from '../../lib/app/gatherFacts';
import { type AliasHolder, runChecks } from '../../lib/domain/checks';
import { checkPolicy } from '../../lib/wiring/policySchema';
import { aPolicy, aRun, aVersion } from '../support/builders';
import { MemoryRegistry } from '../support/fakes';

const ladder = aPolicy({
  checks: {
    runStatus: [],
    compareTo: { alias: 'candidate', metric: 'val_logloss', lowerIsBetter: true, tolerance: 0.002 },
  },
  aliases: { entry: 'smoke', challenger: 'candidate' },
}).checks;
const holding = (metrics: Record<string, number>, version = '4'): AliasHolder => ({
  version: aVersion({ version, runId: `run-${version}` }),
  run: aRun(metrics),
});
const champion = holding({ val_logloss: 0.4 }, '1');

describe('comparing with the version holding another alias', () => {
  it.each([
    [
      'within tolerance',
      0.41,
      holding({ val_logloss: 0.409 }),
      true,
      'val_logloss 0.41 ≤ candidate v4 0.409 + 0.002',
    ],
    [
      'beyond tolerance',
      0.412,
      holding({ val_logloss: 0.409 }),
      false,
      'val_logloss 0.412 > candidate v4 0.409 + 0.002',
    ],
    [
      'when no version holds the alias',
      0.41,
      null,
      true,
      'val_logloss 0.41: no version holds candidate, nothing to compare with',
    ],
    [
      'when the holder has a NaN value',
      0.41,
      holding({ val_logloss: Number.NaN }),
      false,
      "candidate v4's val_logloss is NaN (not a number): cannot compare",
    ],
    [
      'when the holder has an Infinity value',
      0.41,
      holding({ val_logloss: Number.POSITIVE_INFINITY }),
      false,
      "candidate v4's val_logloss is Infinity: cannot compare",
    ],
    [
      'when the holder lacks the metric',
      0.41,
      holding({ val_auc: 0.9 }),
      false,
      'candidate v4 has no val_logloss to compare with',
    ],
    [
      'when the new version’s value is NaN, even with no holder',
      Number.NaN,
      null,
      false,
      'val_logloss is NaN (not a number)',
    ],
  ])('judges a new version %s', (_, logloss, compared, passed, reason) => {
    const results = runChecks(ladder, {
      version: aVersion({ version: '5' }),
      run: aRun({ val_logloss: logloss }),
      champion,
      compared,
    });

    expect(results).toEqual([{ id: 'candidate.val_logloss', passed, reason }]);
  });

  it('subtracts the tolerance for a higher-is-better metric', () => {
    const policy = aPolicy({
      checks: { compareTo: { alias: 'candidate', metric: 'val_auc', lowerIsBetter: false, tolerance: 0.01 } },
    });

    const result = runChecks(policy.checks, {
      version: aVersion(),
      run: aRun({ val_auc: 0.885 }),
      champion,
      compared: holding({ val_auc: 0.9 }),
    }).at(-1);

    expect(result).toEqual({
      id: 'candidate.val_auc',
      passed: false,
      reason: 'val_auc 0.885 < candidate v4 0.9 − 0.01',
    });
  });

  it('fails closed when the alias was not read from the registry', () => {
    const results = runChecks(ladder, {
      version: aVersion(),
      run: aRun({ val_logloss: 0.41 }),
      champion,
    });

    expect(results).toEqual([
      {
        id: 'candidate.val_logloss',
        passed: false,
        reason: 'candidate was not read from the registry: cannot compare val_logloss',
      },
    ]);
  });

  it('leaves the comparison out when the version itself holds the alias', () => {
    const results = runChecks(ladder, {
      version: aVersion({ version: '4' }),
      run: aRun({ val_logloss: 0.41 }),
      champion,
      compared: holding({ val_logloss: 0.41 }, '4'),
    });

    expect(results).toEqual([]);
  });

  it('still uses the baseline when there is no champion', () => {
    const policy = aPolicy({
      checks: {
        runStatus: [],
        compareTo: { alias: 'candidate', metric: 'val_logloss', tolerance: 0.002 },
        baseline: { name: 'val_logloss', max: 0.45 },
      },
    });

    const results = runChecks(policy.checks, {
      version: aVersion(),
      run: aRun({ val_logloss: 0.41 }),
      champion: null,
      compared: null,
    });

    expect(results.map((r) => r.reason)).toEqual([
      'val_logloss 0.41: no version holds candidate, nothing to compare with',
      'val_logloss 0.41 ≤ 0.45 (baseline: no champion yet)',
    ]);
  });
});

describe('comparing with the champion alias', () => {
  it.each([
    ['compareTo without an alias', { compareTo: { metric: 'val_logloss', tolerance: 0.005 } }, 'champion'],
    [
      'compareTo naming the champion alias',
      { compareTo: { alias: 'prod', metric: 'val_logloss', tolerance: 0.005 } },
      'prod',
    ],
    ['compareToChampion', { compareToChampion: { metric: 'val_logloss', tolerance: 0.005 } }, 'champion'],
  ])('keeps the champion’s id and wording for %s', (_, rule, championAlias) => {
    const policy = aPolicy({ checks: { runStatus: [], ...rule } });

    const results = runChecks(
      policy.checks,
      {
        version: aVersion(),
        run: aRun({ val_logloss: 0.412 }),
        champion: holding({ val_logloss: 0.409 }, '1'),
      },
      championAlias,
    );

    expect(results).toEqual([
      { id: 'champion.val_logloss', passed: true, reason: 'val_logloss 0.412 ≤ champion 0.409 + 0.005' },
    ]);
  });
});

describe('the policy rules for comparisons and aliases', () => {
  const base = { model: 'fraud' };

  it.each([
    [
      'compareTo and compareToChampion together',
      {
        checks: {
          compareTo: { metric: 'val_logloss' },
          compareToChampion: { metric: 'val_logloss' },
        },
      },
      ['checks', 'compareToChampion'],
      'give compareTo or compareToChampion, not both',
    ],
    [
      'an entry alias that is the champion alias',
      { aliases: { entry: 'champion' } },
      ['aliases', 'entry'],
      'the entry alias must differ from the challenger, champion and archive aliases',
    ],
    [
      'an entry alias that is a renamed challenger alias',
      { aliases: { challenger: 'candidate', entry: 'candidate' } },
      ['aliases', 'entry'],
      'the entry alias must differ from the challenger, champion and archive aliases',
    ],
    [
      'a baseline without bounds',
      { checks: { baseline: { name: 'val_auc', always: true } } },
      ['checks', 'baseline'],
      'give min, max or both',
    ],
  ])('refuses %s', (_, policy, at, message) => {
    const { found } = checkPolicy({ ...base, ...policy });

    expect(found).toEqual([{ at, message }]);
  });

  it('fills in the aliases a policy leaves out when it names only the entry alias', () => {
    const { policy } = checkPolicy({ ...base, aliases: { entry: 'smoke' } });

    expect(policy?.aliases).toEqual({
      challenger: 'challenger',
      champion: 'champion',
      archive: 'archive',
      entry: 'smoke',
    });
  });

  it('applies the baseline only without a champion unless always is set', () => {
    const { policy } = checkPolicy({ ...base, checks: { baseline: { name: 'val_auc', min: 0.75 } } });

    expect(policy?.checks.baseline).toEqual({ name: 'val_auc', min: 0.75, always: false });
  });
});

describe('gathering the facts a comparison with another alias needs', () => {
  function registryWith(aliases: Record<string, string>) {
    const registry = new MemoryRegistry();
    for (const [version, logloss] of [
      ['1', 0.4],
      ['4', 0.409],
      ['5', 0.41],
    ] as const) {
      registry.add(
        aVersion({ version, runId: `run-${version}` }),
        aRun({ val_logloss: logloss }, { runId: `run-${version}` }),
      );
    }
    for (const [alias, version] of Object.entries(aliases)) registry.aliases.set(`fraud/${alias}`, version);
    return registry;
  }
  const policy = aPolicy({
    checks: { compareTo: { alias: 'candidate', metric: 'val_logloss', tolerance: 0.002 } },
  });

  it('reads the version holding the alias, with its run', async () => {
    const registry = registryWith({ champion: '1', candidate: '4' });

    const facts = await gatherValidationFacts(registry, 'fraud', '5', policy);

    expect(facts?.compared?.version.version).toBe('4');
    expect(facts?.compared?.run?.metrics).toEqual({ val_logloss: 0.409 });
    expect(facts?.champion?.version.version).toBe('1');
  });

  it('says no version holds the alias when none does', async () => {
    const registry = registryWith({ champion: '1' });

    const facts = await gatherValidationFacts(registry, 'fraud', '5', policy);

    expect(facts?.compared).toBeNull();
  });
});
