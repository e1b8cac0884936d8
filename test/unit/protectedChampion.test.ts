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

  it('remembers the hand move on Baton’s champion, so the episode is told once', () => {
    const result = decide(null, moved, aPolicy(), { champion: { ofRecord: champion, holder: '5' } }, now);

    expect(result.next?.externalChampion).toEqual({ holder: '5', at: now.toISOString(), reverted: false });
  });
});

describe('one episode per hand move of the champion alias', () => {
  const inEpisode = (holder: string | null): VersionState => ({
    ...champion,
    externalChampion: { holder, at: '2026-11-22T11:59:00.000Z', reverted: false },
  });
  const kinds = (result: ReturnType<typeof decide>) => [
    ...result.audit.map((a) => `audit ${a.kind}`),
    ...result.effects.map((e) => (e.type === 'notify' ? `notify ${e.notification.kind}` : e.type)),
  ];

  it.each([
    [
      'the first sweep that sees v5',
      champion,
      '5',
      ['audit champion.changed_externally', 'notify champion.changed'],
    ],
    ['another sweep of the same move to v5', inEpisode('5'), '5', []],
    [
      'a move on from v5 to v6',
      inEpisode('5'),
      '6',
      ['audit champion.changed_externally', 'notify champion.changed'],
    ],
    [
      'a deletion after the move to v5',
      inEpisode('5'),
      null,
      ['audit champion.changed_externally', 'notify champion.changed'],
    ],
    ['another sweep of the deleted alias', inEpisode(null), null, []],
    ['the alias back on Baton’s champion', inEpisode('5'), '2', []],
  ])('tells %s as: %j', (_, ofRecord, holder, told) => {
    const event = holder === null ? deleted : { ...moved, version: holder };

    const result = decide(null, event, aPolicy(), { champion: { ofRecord, holder } }, now);

    expect(kinds(result)).toEqual(told);
  });

  it('ends the episode when the alias is back on Baton’s champion, so the next move is told again', () => {
    const result = decide(
      null,
      moved,
      aPolicy(),
      {
        champion: {
          ofRecord: { ...champion, externalChampion: { holder: '5', at: 'x', reverted: false } },
          holder: '2',
        },
      },
      now,
    );

    expect(result.next?.externalChampion).toBeUndefined();
  });

  it('names who moved the alias as unknown, since the registry does not say', () => {
    const result = decide(null, moved, aPolicy(), { champion: { ofRecord: champion, holder: '5' } }, now);

    expect(result.effects).toContainEqual({
      type: 'notify',
      notification: expect.objectContaining({ movedBy: 'unknown (outside Baton)', version: '5' }),
    });
  });
});

describe('the champion alias after lost state', () => {
  it('adopts the holder as Baton’s champion when its tags say Baton promoted it', () => {
    const result = decide(
      null,
      moved,
      aPolicy({ protectChampion: 'revert' }),
      { champion: { ofRecord: null, holder: '5', holderTags: { 'baton.phase': 'promoted' } } },
      now,
    );

    expect(result.effects.map((e) => (e.type === 'audit' ? `audit ${e.entry.kind}` : e.type))).toEqual([
      'recordChampion',
      'audit state.adopted',
    ]);
  });

  it('announces a holder that Baton never promoted, and moves nothing', () => {
    const result = decide(
      null,
      moved,
      aPolicy({ protectChampion: 'revert' }),
      { champion: { ofRecord: null, holder: '5', holderTags: { 'baton.phase': 'archived' } } },
      now,
    );

    expect(result.effects.map((e) => e.type)).toEqual(['notify']);
  });
});
