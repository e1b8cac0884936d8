/**
 * What decide writes for a validation beyond the checks themselves: the policy's entry alias on
 * every new version, and metrics that are not finite numbers spelled out in the audit evidence
 * (the audit store holds finite numbers only).
 */
import { describe, expect, it } from 'vitest';
import { notificationSchema } from '../../events/notification';
import type { ValidationFacts } from '../../lib/domain/checks';
import { decide } from '../../lib/domain/decide';
import { aCreatedEvent, aPolicy, aRun, aVersion } from '../support/builders';

const now = new Date('2026-11-22T12:00:01.000Z');
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
const entry = aPolicy({ aliases: { entry: 'smoke' } });

describe('the entry alias', () => {
  it.each([
    ['a passing version', passing],
    ['a failing version', failing],
  ])('is set right after the PENDING tag on %s', (_, validation) => {
    const { effects } = decide(null, aCreatedEvent(), entry, { validation }, now);

    expect(effects.slice(0, 2)).toEqual([
      { type: 'setTag', version: '2', key: 'validation_status', value: 'PENDING' },
      { type: 'setAlias', alias: 'smoke', version: '2' },
    ]);
  });

  it('is not set on a version whose registration failed', () => {
    const validation = { ...passing, version: aVersion({ status: 'FAILED_REGISTRATION' as const }) };

    const { effects } = decide(null, aCreatedEvent(), entry, { validation }, now);

    expect(effects).not.toContainEqual({ type: 'setAlias', alias: 'smoke', version: '2' });
  });

  it('is not set when the policy names none', () => {
    const { effects } = decide(null, aCreatedEvent(), aPolicy(), { validation: passing }, now);

    expect(effects.filter((e) => e.type === 'setAlias')).toEqual([
      { type: 'setAlias', alias: 'challenger', version: '2' },
    ]);
  });
});

describe('a verdict on non-finite metrics', () => {
  it('fails the version and audits the values spelled out', () => {
    const diverged = {
      ...passing,
      run: aRun({ val_auc: Number.NaN, val_logloss: 0.41 }),
      champion: { ...champion, run: aRun({ val_logloss: 0.409, drift: Number.POSITIVE_INFINITY }) },
    };

    const { next, audit } = decide(null, aCreatedEvent(), aPolicy(), { validation: diverged }, now);

    expect(next?.phase).toBe('failed_validation');
    expect(audit[0]?.evidence).toMatchObject({
      metrics: { val_auc: 'NaN', val_logloss: 0.41 },
      championMetrics: { val_logloss: 0.409, drift: 'Infinity' },
    });
  });

  it('sends an approval request the notifier can read when an unchecked metric is NaN', () => {
    const policy = aPolicy({ approval: { approvers: ['bob@example.com'] } });
    const facts = {
      validation: {
        version: aVersion({ tags: { git_sha: 'abc123' } }),
        run: aRun({ val_auc: 0.91, val_logloss: 0.4, train_loss: Number.NaN }),
        champion: null,
      },
    };

    const { effects } = decide(null, aCreatedEvent(), policy, facts, new Date('2026-11-22T12:00:00Z'));
    const notice = effects.find((e) => e.type === 'notify');
    const sent = JSON.parse(JSON.stringify(notice && 'notification' in notice ? notice.notification : null));

    expect(notificationSchema.safeParse(sent).success).toBe(true);
    expect(sent.metrics).toEqual({ val_auc: 0.91, val_logloss: 0.4 });
  });
});
