/**
 * Discovery of models under glob policies for the poll intake (lib/domain/pollDiscovery.ts,
 * lib/app/pollIntake.ts): the registry's model listing is read a few pages a tick within the
 * budget, resuming where the last tick stopped; a governed model without a cursor gets one; a model
 * created since the previous pass has every version queued, an older one keeps the lookback rule.
 */
import { describe, expect, it } from 'vitest';
import type { PromotionEvent } from '../../events/promotionEvent';
import { runPollIntake } from '../../lib/app/pollIntake';
import { advance, discoveredCursors, knownSince } from '../../lib/domain/pollDiscovery';
import type {
  DirectoryProgress,
  ListedModel,
  PollCursor,
  PolledVersion,
  VersionPage,
} from '../../lib/domain/pollPorts';

const now = new Date('2026-06-01T12:00:00Z');
const minutesAgo = (m: number) => now.getTime() - m * 60_000;
const hour = 3_600_000;
const governs = (name: string) => name.startsWith('main.fraud.');

describe('which listed models get a first cursor', () => {
  const listed: ListedModel[] = [
    { name: 'main.fraud.eu', creationTimestamp: minutesAgo(30) },
    { name: 'main.fraud.us', creationTimestamp: minutesAgo(600) },
    { name: 'main.churn.eu', creationTimestamp: minutesAgo(30) },
    { name: 'main.fraud.known', creationTimestamp: minutesAgo(30) },
    { name: 'main.fraud.undated', creationTimestamp: null },
  ];

  it('those a policy governs and Baton does not poll yet, each once', () => {
    const cursors = discoveredCursors({
      listed: [...listed, listed[0]!],
      governs,
      known: new Set(['main.fraud.known']),
      knownSinceMs: minutesAgo(120),
      now: now.getTime(),
      lookbackMs: hour,
    });

    expect(cursors.map((c) => c.model)).toEqual(['main.fraud.eu', 'main.fraud.us', 'main.fraud.undated']);
    for (const c of cursors)
      expect(c).toMatchObject({ version: 0, lastActivityMs: null, lastPolledMs: null });
  });

  it('a model created since the previous pass: from its creation; an older or undated one: the lookback', () => {
    const since = Object.fromEntries(
      discoveredCursors({
        listed: [
          { name: 'main.fraud.new', creationTimestamp: minutesAgo(90) },
          ...listed.filter((m) => m.name !== 'main.fraud.eu'),
        ],
        governs,
        known: new Set(),
        knownSinceMs: minutesAgo(120),
        now: now.getTime(),
        lookbackMs: hour,
      }).map((c) => [c.model, c.firstPollSinceMs]),
    );

    expect(since).toEqual({
      'main.fraud.new': minutesAgo(90),
      'main.fraud.us': minutesAgo(60),
      'main.fraud.known': minutesAgo(60),
      'main.fraud.undated': minutesAgo(60),
    });
  });

  it('counts models as new from the last finished pass, or during the first pass from its start', () => {
    expect(knownSince({ passStartedMs: 20, previousPassStartedMs: 10 })).toBe(10);
    expect(knownSince({ passStartedMs: 20, previousPassStartedMs: null })).toBe(20);
    expect(advance({ passStartedMs: 20, previousPassStartedMs: 10 }, 'p2', 30)).toEqual({
      passStartedMs: 20,
      previousPassStartedMs: 10,
      pageToken: 'p2',
    });
    expect(advance({ passStartedMs: 20, previousPassStartedMs: 10, pageToken: 'p2' }, undefined, 30)).toEqual(
      {
        passStartedMs: 30,
        previousPassStartedMs: 20,
      },
    );
  });
});

/** A registry with a model listing (pages of `pageSize`) and each model's versions. */
function registry(models: ListedModel[], versions: Record<string, PolledVersion[]>, pageSize = 2) {
  const calls = { listing: 0, search: 0 };
  return {
    calls,
    directory: {
      async page(token?: string) {
        calls.listing += 1;
        const start = Number(token ?? 0);
        const page = models.slice(start, start + pageSize);
        return start + pageSize < models.length
          ? { models: page, nextPageToken: String(start + pageSize) }
          : { models: page };
      },
    },
    feed: {
      newestFirst: false,
      async page(model: string): Promise<VersionPage> {
        calls.search += 1;
        return { versions: versions[model] ?? [] };
      },
    },
  };
}

function intake(
  r: ReturnType<typeof registry>,
  options: { budgetPerTick?: number; pagesPerTick?: number } = {},
) {
  const cursors = new Map<string, PollCursor>();
  let progress: DirectoryProgress | null = null;
  const queued: PromotionEvent[] = [];
  const deps = {
    feed: r.feed,
    cursors: {
      all: async () => [...cursors.values()],
      save: async (c: PollCursor) => void cursors.set(c.model, c),
      discover: async (c: PollCursor) => {
        if (!cursors.has(c.model)) cursors.set(c.model, c);
      },
    },
    queue: { enqueue: async (e: PromotionEvent) => void queued.push(e) },
    managedModels: async () => ['main.fraud.exact'],
    budgetPerTick: options.budgetPerTick ?? 100,
    tickMs: 60_000,
    discovery: {
      directory: r.directory,
      progress: {
        get: async () => progress,
        save: async (p: DirectoryProgress) => {
          progress = p;
        },
      },
      governs,
      ...(options.pagesPerTick && { pagesPerTick: options.pagesPerTick }),
    },
  };
  const versionsQueued = () => queued.map((e) => (e.type === 'registry' ? `${e.model} v${e.version}` : ''));
  return { deps, cursors, progress: () => progress, versionsQueued };
}

const v = (version: number, minutes: number) => ({
  version: String(version),
  creationTimestamp: minutesAgo(minutes),
});

describe('the poll intake with glob policies', () => {
  it('finds a governed model in the listing and queues its new versions in the same tick', async () => {
    const r = registry(
      [
        { name: 'main.churn.a', creationTimestamp: minutesAgo(5) },
        { name: 'main.fraud.eu', creationTimestamp: minutesAgo(5) },
      ],
      { 'main.fraud.eu': [v(1, 4), v(2, 3)], 'main.churn.a': [v(1, 4)] },
    );
    const { deps, cursors, versionsQueued } = intake(r);

    const result = await runPollIntake(deps, now);

    expect(result.discovered).toEqual(['main.fraud.eu']);
    expect(versionsQueued()).toEqual(['main.fraud.eu v1', 'main.fraud.eu v2']);
    expect(cursors.get('main.fraud.eu')).toMatchObject({ version: 2, lastPolledMs: now.getTime() });
    expect(cursors.has('main.churn.a')).toBe(false);
    // One listing page (both models fit) and one search each for the exact and the discovered model.
    expect(r.calls).toEqual({ listing: 1, search: 2 });
  });

  it('reads the listing a few pages a tick and resumes where it stopped, then starts a new pass', async () => {
    const models = Array.from({ length: 5 }, (_, i) => ({
      name: `main.fraud.m${i}`,
      creationTimestamp: minutesAgo(300),
    }));
    const r = registry(models, {});
    const { deps, progress } = intake(r, { pagesPerTick: 1 });

    const found: string[][] = [];
    for (let tick = 0; tick < 4; tick++) {
      found.push((await runPollIntake(deps, new Date(now.getTime() + tick * 60_000))).discovered ?? []);
    }

    expect(found).toEqual([
      ['main.fraud.m0', 'main.fraud.m1'],
      ['main.fraud.m2', 'main.fraud.m3'],
      ['main.fraud.m4'],
      [],
    ]);
    expect(progress()).toMatchObject({
      passStartedMs: now.getTime() + 2 * 60_000,
      previousPassStartedMs: now.getTime(),
    });
  });

  it('leaves an old model’s versions from before the lookback alone, and queues all of a model created since the last pass', async () => {
    const r = registry(
      [
        { name: 'main.fraud.old', creationTimestamp: minutesAgo(24 * 60) },
        { name: 'main.fraud.new', creationTimestamp: minutesAgo(180) },
      ],
      {
        'main.fraud.old': [v(1, 23 * 60), v(2, 10)],
        'main.fraud.new': [v(1, 170), v(2, 100)],
      },
      10,
    );
    const { deps, versionsQueued } = intake(r);
    // The previous pass started 4 hours ago: main.fraud.new did not exist then.
    await deps.discovery.progress.save({
      passStartedMs: minutesAgo(200),
      previousPassStartedMs: minutesAgo(240),
    });

    await runPollIntake(deps, now);

    expect(versionsQueued().sort()).toEqual(['main.fraud.new v1', 'main.fraud.new v2', 'main.fraud.old v2']);
  });

  it('spends no more than the budget on the listing, and a failed listing stops nothing else', async () => {
    const r = registry([{ name: 'main.fraud.eu', creationTimestamp: minutesAgo(5) }], {
      'main.fraud.exact': [v(1, 1)],
    });
    r.directory.page = async () => {
      r.calls.listing += 1;
      throw new Error('registry unavailable');
    };
    const { deps, versionsQueued } = intake(r, { budgetPerTick: 20 });

    const result = await runPollIntake(deps, now);

    expect(r.calls.listing).toBe(1);
    expect(result.discovered).toEqual([]);
    expect(versionsQueued()).toEqual(['main.fraud.exact v1']);
    expect(result.requests).toBeLessThanOrEqual(20);
  });
});
