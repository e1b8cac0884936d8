import { describe, expect, it } from 'vitest';
import { decide } from '../../lib/domain/decide';
import type { VersionState } from '../../lib/domain/state';
import { aCreatedEvent, aPolicy } from '../support/builders';

const now = new Date('2026-11-22T12:00:00.000Z');
const champion: VersionState = {
  model: 'fraud',
  version: '2',
  phase: 'promoted',
  revision: 3,
  updatedAt: 'x',
  promotion: {
    previousChampion: '1',
    approvedBy: ['bob@example.com'],
    startedAt: '2026-11-20T10:00:00.000Z',
  },
};
const moved = aCreatedEvent({ kind: 'model_version_alias.created', alias: 'champion', version: '5' });
const deleted = aCreatedEvent({ kind: 'model_version_alias.deleted', alias: 'champion', version: undefined });

describe('the protected champion alias', () => {
  it('ignores Baton’s own move of the champion alias', () => {
    const result = decide(
      champion,
      aCreatedEvent({ kind: 'model_version_alias.created', alias: 'champion', version: '2' }),
      aPolicy(),
      { champion: { ofRecord: champion, holder: '2' } },
      now,
    );

    expect(result).toEqual({ next: null, effects: [], audit: [] });
  });

  it('records and announces a move made outside Baton', () => {
    const result = decide(null, moved, aPolicy(), { champion: { ofRecord: champion, holder: '5' } }, now);

    expect(result.audit).toEqual([
      expect.objectContaining({
        kind: 'champion.changed_externally',
        version: '2',
        evidence: { from: '2', to: '5', reverted: false },
      }),
    ]);
    expect(result.effects).toEqual([
      {
        type: 'notify',
        notification: expect.objectContaining({
          kind: 'champion.changed',
          version: '5',
          expected: '2',
          reverted: false,
        }),
      },
    ]);
  });

  it('puts Baton’s champion back when the policy says revert', () => {
    const result = decide(
      null,
      deleted,
      aPolicy({ protectChampion: 'revert' }),
      { champion: { ofRecord: champion, holder: null } },
      now,
    );

    expect(result.effects[0]).toEqual({ type: 'setAlias', alias: 'champion', version: '2' });
    expect(result.audit[0]?.evidence).toEqual({ from: '2', to: null, reverted: true });
  });
});
