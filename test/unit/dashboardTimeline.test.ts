import { describe, expect, it } from 'vitest';
import { championMovesCache } from '../../lib/app/ui/championMoves';
import { championAtFrom, championPeriods } from '../../lib/app/ui/championPeriods';
import type { AuditFilter } from '../../lib/domain/dashboardPorts';
import type { AuditEntry } from '../../lib/domain/state';
import { MemoryDashboardReader } from '../support/dashboardFakes';

const entry = (at: string, version: string, kind: string, actor: string, evidence = {}): AuditEntry => ({
  at: `2026-11-${at}:00.000Z`,
  model: 'fraud',
  version,
  kind,
  actor,
  cause: 'x',
  evidence,
});
const now = new Date('2026-11-30T00:00:00.000Z');

const audit = [
  entry('10T09:00', '1', 'validation.passed', 'baton', { checks: [] }),
  entry('10T10:00', '1', 'promotion.completed', 'alice'),
  entry('12T10:00', '2', 'promotion.completed', 'bob'),
  entry('13T08:00', '2', 'rollback.completed', 'carol', { from: '2', to: '1' }),
  entry('14T08:00', '1', 'champion.changed_externally', 'dave', { from: '1', to: '3', reverted: false }),
  entry('15T08:00', '3', 'champion.changed_externally', 'erin', { from: '3', to: '5', reverted: true }),
  entry('16T08:00', '3', 'champion.changed_externally', 'frank', { from: '3', to: null }),
  entry('17T08:00', '4', 'promotion.completed', 'alice'),
];

describe('the champion timeline drawn from the audit trail', () => {
  it('has one period per champion, closed by the next move and the last one open', () => {
    const { periods } = championPeriods(audit, now);

    expect(periods.map((p) => [p.version, p.from.slice(5, 16), p.to?.slice(5, 16) ?? null, p.by])).toEqual([
      ['1', '11-10T10:00', '11-12T10:00', 'alice'],
      ['2', '11-12T10:00', '11-13T08:00', 'bob'],
      ['1', '11-13T08:00', '11-14T08:00', 'carol'],
      ['3', '11-14T08:00', '11-16T08:00', 'dave'],
      ['4', '11-17T08:00', null, 'alice'],
    ]);
  });

  it('marks each rollback and each hand move with what people read', () => {
    const { marks } = championPeriods(audit, now);

    expect(marks.map((m) => [m.kind, m.label])).toEqual([
      ['rollback', 'rollback to v1 by carol'],
      ['external', 'moved by hand to v3'],
      ['external', 'moved by hand to v5, reverted by Baton'],
      ['external', 'moved by hand to nobody'],
    ]);
  });

  it('keeps one period when the holder is promoted again (a redelivery)', () => {
    const again = [...audit.slice(0, 2), entry('10T10:05', '1', 'promotion.completed', 'alice')];

    expect(championPeriods(again, now).periods).toHaveLength(1);
  });

  it('leaves out what happens after now', () => {
    const { periods } = championPeriods(audit, new Date('2026-11-12T09:00:00.000Z'));

    expect(periods.map((p) => [p.version, p.to])).toEqual([['1', null]]);
  });
});

describe('who was champion at a time, as the timeline shows it', () => {
  const { periods } = championPeriods(audit, now);

  it.each([
    ['before the first promotion', '10T09:59', undefined],
    ['at the first promotion', '10T10:00', '1'],
    ['just before the second', '12T09:59', '1'],
    ['after the rollback', '13T09:00', '1'],
    ['after the hand move Baton left alone', '14T09:00', '3'],
    ['after the reverted hand move', '15T09:00', '3'],
    ['while the alias was deleted by hand', '16T09:00', undefined],
    ['after the last promotion', '29T00:00', '4'],
  ])('answers %s', (_, at, version) => {
    expect(championAtFrom(periods, new Date(`2026-11-${at}:00.000Z`))?.version).toBe(version);
  });
});

describe('the champion moves kept across page views', () => {
  it('reads every move first, then only those from a quarter hour before the previous read', async () => {
    const reader = new MemoryDashboardReader([], [...audit]);
    const asked: Array<string | undefined> = [];
    const spy = {
      auditWhere: (model: string, filter: AuditFilter) => {
        asked.push(filter.since);
        return reader.auditWhere(model, filter);
      },
    };
    let clock = new Date('2026-11-29T12:00:00.000Z');
    const moves = championMovesCache(spy, () => clock);

    const first = await moves('fraud');
    reader.audit.push(entry('29T12:10', '5', 'promotion.completed', 'alice'));
    clock = new Date('2026-11-29T13:00:00.000Z');
    const second = await moves('fraud');

    expect(asked).toEqual([undefined, '2026-11-29T11:45:00.000Z']);
    expect(first.map((e) => e.version)).toEqual(['1', '2', '2', '1', '3', '3', '4']);
    expect(second.map((e) => e.version)).toEqual(['1', '2', '2', '1', '3', '3', '4', '5']);
  });

  it.each([
    ['reaches back past the quarter hour before the previous read', 3, [undefined]],
    ['is the whole trail', 20, [undefined]],
    [
      'ends inside the quarter hour (more entries than a page since)',
      1,
      [undefined, '2026-11-29T11:45:00.000Z'],
    ],
  ])(
    'picks new moves from the newest page of history when it %s, else reads them',
    async (_, size, expected) => {
      // Prepare
      const reader = new MemoryDashboardReader([], [...audit]);
      const asked: Array<string | undefined> = [];
      const spy = {
        auditWhere: (model: string, filter: AuditFilter) => {
          asked.push(filter.since);
          return reader.auditWhere(model, filter);
        },
      };
      let clock = new Date('2026-11-29T12:00:00.000Z');
      const moves = championMovesCache(spy, () => clock);
      await moves('fraud');
      reader.audit.push(entry('29T12:10', '5', 'promotion.completed', 'alice'));
      reader.audit.push(entry('29T12:20', '5', 'rollout.finalised', 'baton'));
      clock = new Date('2026-11-29T13:00:00.000Z');

      // Act
      const second = await moves('fraud', reader.auditPage('fraud', size));

      // Assess
      expect(asked).toEqual(expected);
      expect(second.map((e) => e.version)).toEqual(['1', '2', '2', '1', '3', '3', '4', '5']);
    },
  );
});
