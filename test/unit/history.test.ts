import { describe, expect, it } from 'vitest';
import { championAt, timeline } from '../../lib/domain/history';
import type { AuditEntry } from '../../lib/domain/state';

const entry = (
  at: string,
  version: string,
  kind: string,
  actor: string,
  evidence: Record<string, unknown> = {},
): AuditEntry => ({
  at,
  model: 'fraud',
  version,
  kind,
  actor,
  cause: 'x',
  evidence,
});
const audit = [
  entry('2026-11-10T09:00:00.000Z', '1', 'validation.passed', 'baton', {
    checks: [{ passed: true, reason: 'ok' }],
  }),
  entry('2026-11-10T10:00:00.000Z', '1', 'promotion.completed', 'alice@example.com', {
    previousChampion: null,
    approvedBy: ['alice@example.com'],
  }),
  entry('2026-11-17T14:00:00.000Z', '2', 'promotion.completed', 'U024BE7LH', {
    previousChampion: '1',
    approvedBy: ['U024BE7LH'],
  }),
];

describe('which version was champion at a time', () => {
  it.each([
    ['before any promotion', '2026-11-10T09:59:59.000Z', null],
    ['right at the first promotion', '2026-11-10T10:00:00.000Z', '1'],
    ['between the promotions', '2026-11-17T13:59:00.000Z', '1'],
    ['after the second promotion', '2026-11-17T14:03:00.000Z', '2'],
  ])('answers %s', (_, at, version) => {
    expect(championAt(audit, new Date(at))?.version ?? null).toBe(version);
  });

  it('names who approved the champion of the moment', () => {
    expect(championAt(audit, new Date('2026-11-18T00:00:00Z'))).toEqual({
      version: '2',
      since: '2026-11-17T14:00:00.000Z',
      by: 'U024BE7LH',
      kind: 'promotion.completed',
    });
  });
});

describe('the timeline', () => {
  it('lists every decision with its actor and evidence, oldest first', () => {
    expect(timeline([...audit].reverse())).toEqual([
      '2026-11-10T09:00:00.000Z  v1  validation.passed  by baton  1 checks passed',
      '2026-11-10T10:00:00.000Z  v1  promotion.completed  by alice@example.com  previous champion none',
      '2026-11-17T14:00:00.000Z  v2  promotion.completed  by U024BE7LH  previous champion v1 → archive',
    ]);
  });
});
