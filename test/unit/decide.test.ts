import { describe, expect, it } from 'vitest';
import type { ValidationFacts } from '../../lib/domain/checks';
import { decide } from '../../lib/domain/decide';
import type { Effect } from '../../lib/domain/effects';
import type { VersionState } from '../../lib/domain/state';
import { aCreatedEvent, aPolicy, aRun, aVersion } from '../support/builders';

const now = new Date('2026-11-22T12:00:01.000Z');
const policy = aPolicy();
const champion = {
  version: aVersion({ version: '1', runId: 'run-1' }),
  run: aRun({ val_logloss: 0.409, val_auc: 0.9 }),
};
const passing: ValidationFacts = {
  version: aVersion(),
  run: aRun({ val_auc: 0.91, val_logloss: 0.412 }),
  champion,
};
const failing: ValidationFacts = { ...passing, run: aRun({ val_auc: 0.7, val_logloss: 0.5 }) };
const decided = (phase: VersionState['phase']): VersionState => ({
  model: 'fraud',
  version: '2',
  phase,
  revision: 1,
  updatedAt: '2026-11-22T11:00:00.000Z',
});

/** An effect list in a form a table can state: `tag validation_status=PASSED`, `alias challenger→2`, `notify validation.passed`. */
function summary(effects: Effect[]): string[] {
  return effects.map((e) => {
    if (e.type === 'setTag') return `tag ${e.key}=${e.value.split(':')[0]}`;
    if (e.type === 'setTags') {
      return `tags ${Object.entries(e.tags)
        .map(([k, v]) => `${k}=${v.split(':')[0]}`)
        .join(', ')}`;
    }
    if (e.type === 'setAlias') return `alias ${e.alias}→${e.version}`;
    if (e.type === 'notify') return `notify ${e.notification.kind}`;
    return `retry`;
  });
}

const passedEffects = [
  'tag validation_status=PENDING',
  'tags baton.check.tag.git_sha=PASS, baton.check.description=PASS, baton.check.run_status=PASS, ' +
    'baton.check.metric.val_auc=PASS, baton.check.champion.val_logloss=PASS, baton.phase=validated',
  'alias challenger→2',
  'tag validation_status=PASSED',
  'notify validation.passed',
];
const failedEffects = [
  'tag validation_status=PENDING',
  'tags baton.check.tag.git_sha=PASS, baton.check.description=PASS, baton.check.run_status=PASS, ' +
    'baton.check.metric.val_auc=FAIL, baton.check.champion.val_logloss=FAIL, ' +
    'validation_reasons=val_auc 0.7 < 0.8; val_logloss 0.5 > champion 0.409 + 0.005, baton.phase=failed_validation',
  'tag validation_status=FAILED',
  'notify validation.failed',
];

describe('decide', () => {
  it.each([
    [
      'a new version that passes every check',
      null,
      aCreatedEvent(),
      policy,
      { validation: passing },
      'validated',
      passedEffects,
    ],
    [
      'a new version that fails checks',
      null,
      aCreatedEvent(),
      policy,
      { validation: failing },
      'failed_validation',
      failedEffects,
    ],
    [
      'a version first seen while registering',
      decided('registered'),
      aCreatedEvent(),
      policy,
      { validation: passing },
      'validated',
      passedEffects,
    ],
    ['a model no policy covers', null, aCreatedEvent(), undefined, {}, 'unmanaged', []],
    [
      'a version still PENDING_REGISTRATION',
      null,
      aCreatedEvent(),
      policy,
      { validation: { ...passing, version: aVersion({ status: 'PENDING_REGISTRATION' }) } },
      null,
      ['retry'],
    ],
    [
      'a version whose registration failed',
      null,
      aCreatedEvent(),
      policy,
      { validation: { ...passing, version: aVersion({ status: 'FAILED_REGISTRATION' }) } },
      'failed_validation',
      expect.arrayContaining([
        expect.stringContaining('baton.check.registration=FAIL'),
        'tag validation_status=FAILED',
      ]),
    ],
    ['a version deleted before validation', null, aCreatedEvent(), policy, { validation: null }, null, []],
    [
      'a redelivered created event after validation',
      decided('validated'),
      aCreatedEvent({ deliveryId: 'd-2' }),
      policy,
      { validation: passing },
      null,
      [],
    ],
    [
      'a swept duplicate of a failed version',
      decided('failed_validation'),
      aCreatedEvent({ source: 'reconciler' }),
      policy,
      { validation: passing },
      null,
      [],
    ],
    [
      'a tag echo of Baton’s own write',
      decided('validated'),
      aCreatedEvent({ kind: 'model_version_tag.set', tag: { key: 'validation_status', value: 'PASSED' } }),
      policy,
      {},
      null,
      [],
    ],
    [
      'an unmanaged version whose model a new policy now governs',
      decided('unmanaged'),
      aCreatedEvent({ source: 'reconciler' }),
      policy,
      { validation: passing },
      'validated',
      passedEffects,
    ],
    [
      'an unmanaged version still without a policy',
      decided('unmanaged'),
      aCreatedEvent({ source: 'reconciler' }),
      undefined,
      {},
      null,
      [],
    ],
    [
      'a version the registry says Baton rejected, unknown to Baton (lost state)',
      null,
      aCreatedEvent({ source: 'reconciler' }),
      policy,
      {
        validation: {
          ...passing,
          version: aVersion({
            tags: { validation_status: 'PASSED', 'baton.phase': 'rejected', 'baton.rejected_by': 'carol' },
          }),
        },
      },
      'rejected',
      [],
    ],
    [
      'an auto-promoted policy’s version older than the champion',
      null,
      aCreatedEvent({ version: '1' }),
      aPolicy({ approval: { required: false } }),
      {
        validation: {
          ...passing,
          version: aVersion({ version: '1' }),
          champion: { ...champion, version: aVersion({ version: '4' }) },
        },
      },
      'validated',
      passedEffects.filter((e) => e !== 'alias challenger→2'),
    ],
    [
      'an alias event',
      null,
      aCreatedEvent({ kind: 'model_version_alias.created', alias: 'challenger' }),
      policy,
      {},
      null,
      [],
    ],
  ])('handles %s', (_, state, event, pol, facts, phase, effects) => {
    const decision = decide(state, event, pol, facts, now);

    expect(decision.next?.phase ?? null).toBe(phase);
    expect(summary(decision.effects)).toEqual(effects);
  });

  it('increments the revision of the state it read', () => {
    const decision = decide(decided('registered'), aCreatedEvent(), policy, { validation: passing }, now);

    expect(decision.next).toMatchObject({ revision: 2, comparedWith: '1', updatedAt: now.toISOString() });
  });

  it('audits a verdict with its evidence: checks, metrics and the champion compared with', () => {
    const { audit } = decide(null, aCreatedEvent(), policy, { validation: passing }, now);

    expect(audit).toEqual([
      expect.objectContaining({
        kind: 'validation.passed',
        actor: 'baton',
        cause: 'model_version.created:fraud:2',
        evidence: expect.objectContaining({ champion: '1', metrics: { val_auc: 0.91, val_logloss: 0.412 } }),
      }),
    ]);
  });

  it('gives the verdict notification an idempotency key per version', () => {
    const { effects } = decide(null, aCreatedEvent(), policy, { validation: failing }, now);

    expect(effects.at(-1)).toMatchObject({
      type: 'notify',
      notification: { idempotencyKey: 'validation:fraud:2', registeredBy: 'alice@example.com' },
    });
  });

  it('says why an auto-promoted policy’s version older than the champion is not promoted', () => {
    const older = {
      ...passing,
      version: aVersion({ version: '1' }),
      champion: { ...champion, version: aVersion({ version: '4' }) },
    };

    const { audit } = decide(
      null,
      aCreatedEvent({ version: '1' }),
      aPolicy({ approval: { required: false } }),
      { validation: older },
      now,
    );

    expect(audit.at(-1)).toMatchObject({
      kind: 'promotion.skipped',
      evidence: {
        reason:
          'v1 is not newer than champion v4: not promoted automatically (approve or roll back to it by hand)',
      },
    });
  });

  it('honours the alias and tag names the policy configures', () => {
    const custom = aPolicy({ aliases: { challenger: 'candidate', champion: 'prod', archive: 'prev' } });

    const { effects } = decide(null, aCreatedEvent(), custom, { validation: passing }, now);

    expect(summary(effects)).toContain('alias candidate→2');
  });
});

describe('a version through validation, one event at a time', () => {
  it('goes registered → validated, and later deliveries change nothing', () => {
    const notReady = { ...passing, version: aVersion({ status: 'PENDING_REGISTRATION' as const }) };

    const first = decide(null, aCreatedEvent(), policy, { validation: notReady }, now);
    expect(first.next).toBeNull();
    expect(summary(first.effects)).toEqual(['retry']);

    const second = decide(null, aCreatedEvent(), policy, { validation: passing }, now);
    expect(second.next?.phase).toBe('validated');

    const third = decide(
      second.next,
      aCreatedEvent({ source: 'reconciler', deliveryId: 'sweep' }),
      policy,
      { validation: passing },
      now,
    );
    expect(third).toEqual({ next: null, effects: [], audit: [] });
  });
});
