/** A verified copy reads in `baton history` and `baton champion --at`; its digest is stable. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { versionDigest } from '../../lib/app/artefactDigest';
import { championAt, timeline } from '../../lib/domain/history';
import type { AuditEntry } from '../../lib/domain/state';

const binary =
  'binary of staging.models.fraud v7 promoted to prod.models.fraud v3, digest sha256:ab, approved by ana';
const audit: AuditEntry[] = [
  {
    at: '2026-12-02T10:00:00.000Z',
    model: 'prod.models.fraud',
    version: '3',
    kind: 'copy.completed',
    actor: 'ana',
    cause: 'copy:staging.models.fraud:7',
    evidence: { binary },
  },
  {
    at: '2026-12-02T10:05:00.000Z',
    model: 'prod.models.fraud',
    version: '3',
    kind: 'promotion.completed',
    actor: 'baton',
    cause: 'c',
    evidence: { previousChampion: null },
  },
];

describe('a verified copy in the audit trail', () => {
  it('reads as the sentence naming both versions, the digest and the approvers in history', () => {
    expect(timeline(audit)[0]).toBe(`2026-12-02T10:00:00.000Z  v3  copy.completed  by ana  ${binary}`);
  });

  it('is named with the champion it brought, by champion --at', () => {
    expect(championAt(audit, new Date('2026-12-02T11:00:00Z'))).toMatchObject({ version: '3', binary });
  });
});

describe('versionDigest', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('is the SHA-256 of "path\\0sha256\\n" lines sorted by path, whatever order the files came in', () => {
    const files = [
      { path: 'model.pkl', sha256: sha('b') },
      { path: 'MLmodel', sha256: sha('a') },
    ];
    const expected = sha(`MLmodel\0${sha('a')}\nmodel.pkl\0${sha('b')}\n`);

    expect(versionDigest(files)).toBe(`sha256:${expected}`);
    expect(versionDigest([...files].reverse())).toBe(`sha256:${expected}`);
  });

  it('changes when a file is renamed, though no byte changed', () => {
    expect(versionDigest([{ path: 'a', sha256: sha('x') }])).not.toBe(
      versionDigest([{ path: 'b', sha256: sha('x') }]),
    );
  });
});
