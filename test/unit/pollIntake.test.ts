/**
 * The poll intake's cursor: every version above it is queued once, lowest first, across pages and
 * ticks, and the cursor moves only past what was queued; and which registries the tick polls.
 */
import { describe, expect, it } from 'vitest';
import type { PromotionEvent } from '../../events/promotionEvent';
import { noPollIntake, runPollIntake } from '../../lib/app/pollIntake';
import { selectNewVersions } from '../../lib/domain/pollCursor';
import type {
  PollCursor,
  PollCursors,
  PolledVersion,
  VersionFeed,
  VersionPage,
} from '../../lib/domain/pollPorts';
import { pollIntakeFromEnv } from '../../lib/wiring/pollIntake';

const now = new Date('2026-06-01T12:00:00Z');
const at = (minutesAgo: number) => now.getTime() - minutesAgo * 60_000;

/** A registry's versions of each model, served in pages in the order given (Unity Catalog: no order). */
class PagedFeed implements VersionFeed {
  requests = 0;
  constructor(
    readonly versions: Map<string, PolledVersion[]>,
    readonly pageSize: number,
    readonly newestFirst = false,
  ) {}
  async page(model: string, token?: string): Promise<VersionPage> {
    this.requests += 1;
    const all = this.versions.get(model) ?? [];
    const ordered = this.newestFirst ? [...all].sort((a, b) => Number(b.version) - Number(a.version)) : all;
    const start = Number(token ?? 0);
    const end = start + this.pageSize;
    const versions = ordered.slice(start, end);
    return end < ordered.length ? { versions, nextPageToken: String(end) } : { versions };
  }
}

class MemoryCursors implements PollCursors {
  readonly byModel = new Map<string, PollCursor>();
  async all() {
    return [...this.byModel.values()];
  }
  async save(cursor: PollCursor) {
    this.byModel.set(cursor.model, cursor);
  }
  async discover(cursor: PollCursor) {
    if (!this.byModel.has(cursor.model)) this.byModel.set(cursor.model, cursor);
  }
}

class RecordingQueue {
  readonly events: PromotionEvent[] = [];
  failAfter = Number.POSITIVE_INFINITY;
  async enqueue(event: PromotionEvent) {
    if (this.events.length >= this.failAfter) throw new Error('queue unavailable');
    this.events.push(event);
  }
}

const versions = (numbers: number[], minutesAgo = 1) =>
  numbers.map((n) => ({ version: String(n), creationTimestamp: at(minutesAgo) - n }));

function setup(model: string, numbers: number[], options: { pageSize?: number; newestFirst?: boolean } = {}) {
  // Shuffled deterministically: the feed's order says nothing about the version numbers.
  const shuffled = versions(numbers).sort(
    (a, b) => ((Number(a.version) * 7) % 11) - ((Number(b.version) * 7) % 11),
  );
  const feed = new PagedFeed(new Map([[model, shuffled]]), options.pageSize ?? 10, options.newestFirst);
  const cursors = new MemoryCursors();
  const queue = new RecordingQueue();
  const deps = {
    feed,
    cursors,
    queue,
    managedModels: async () => [model],
    budgetPerTick: 100,
    tickMs: 60_000,
  };
  return { feed, cursors, queue, deps };
}

const queuedVersions = (queue: RecordingQueue) =>
  queue.events.map((e) => (e.type === 'registry' ? e.version : undefined));

describe('selecting new versions above the cursor', () => {
  it.each([
    ['nothing new', 5, [3, 4, 5], 10, [], 5],
    ['two new, out of order', 5, [7, 3, 6], 10, ['6', '7'], 7],
    ['a duplicate across pages', 5, [6, 6, 7], 10, ['6', '7'], 7],
    ['more than the allowance: the lowest first', 5, [9, 6, 8, 7], 2, ['6', '7'], 7],
    ['an allowance of none', 5, [6], 0, [], 5],
  ])('%s', (_, from, read, limit, expected, cursorAfter) => {
    const cursor = { model: 'm', version: from, lastActivityMs: 0, lastPolledMs: 0 };

    const selection = selectNewVersions({
      model: 'm',
      cursor,
      read: versions(read),
      now: now.getTime(),
      limit,
    });

    expect(selection.toQueue.map((v) => v.version)).toEqual(expected);
    expect(selection.next.version).toBe(cursorAfter);
  });

  it('leaves versions older than the lookback alone on a model’s first poll', () => {
    const read = [...versions([1, 2], 120), ...versions([3], 5)];

    const selection = selectNewVersions({ model: 'm', cursor: null, read, now: now.getTime(), limit: 10 });

    expect(selection.toQueue.map((v) => v.version)).toEqual(['3']);
  });
});

describe('the poll intake', () => {
  it('queues every version of a burst read over several pages, each as a created event', async () => {
    const { deps, queue } = setup(
      'main.fraud.detector',
      Array.from({ length: 25 }, (_, i) => i + 1),
    );

    await runPollIntake(deps, now);

    expect(queuedVersions(queue)).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    expect(queue.events[0]).toMatchObject({
      type: 'registry',
      kind: 'model_version.created',
      source: 'poll',
      model: 'main.fraud.detector',
      deliveryId: 'poll:main.fraud.detector:1',
    });
  });

  it('reads every page of an unordered search (three pages of ten for 25 versions)', async () => {
    const { deps, feed } = setup(
      'm',
      Array.from({ length: 25 }, (_, i) => i + 1),
    );

    const result = await runPollIntake(deps, now);

    expect([feed.requests, result.requests]).toEqual([3, 3]);
  });

  it('stops at the page that reaches the cursor when the search is newest first', async () => {
    const { deps, feed, cursors } = setup(
      'm',
      Array.from({ length: 40 }, (_, i) => i + 1),
      { newestFirst: true },
    );
    await cursors.save({ model: 'm', version: 35, lastActivityMs: at(1), lastPolledMs: at(1) });

    await runPollIntake(deps, now);

    expect(feed.requests).toBe(1);
  });

  it('queues nothing again on a re-poll', async () => {
    const { deps, queue } = setup('m', [1, 2, 3]);
    await runPollIntake(deps, now);

    const again = await runPollIntake(deps, new Date(now.getTime() + 60_000));

    expect([queue.events.length, again.queued.length]).toEqual([3, 0]);
  });

  it('queues the rest of a burst on the next tick when a tick may queue fewer, never skipping one', async () => {
    const { deps, queue } = setup(
      'm',
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const capped = { ...deps, maxQueuedPerTick: 5 };

    await runPollIntake(capped, now);
    await runPollIntake(capped, new Date(now.getTime() + 60_000));
    await runPollIntake(capped, new Date(now.getTime() + 120_000));

    expect(queuedVersions(queue)).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
  });

  it('moves the cursor only past what was queued when the queue fails midway', async () => {
    const { deps, queue, cursors } = setup('m', [1, 2, 3, 4]);
    queue.failAfter = 2;
    await runPollIntake(deps, now);
    queue.failAfter = Number.POSITIVE_INFINITY;

    await runPollIntake(deps, new Date(now.getTime() + 60_000));

    expect(queuedVersions(queue)).toEqual(['1', '2', '3', '4']);
    expect(cursors.byModel.get('m')?.version).toBe(4);
  });

  it('leaves a model whose pages outrun the budget whole for a later tick', async () => {
    const { deps, queue, cursors } = setup(
      'm',
      Array.from({ length: 25 }, (_, i) => i + 1),
    );

    const result = await runPollIntake({ ...deps, budgetPerTick: 2 }, now);

    expect([result.deferred, queue.events.length, cursors.byModel.size]).toEqual([1, 0, 0]);
  });
});

it('leaves the rest for the next tick once a few models could not be read', async () => {
  const { deps } = setup('m0', [1]);
  const down = { newestFirst: false, page: async () => Promise.reject(new Error('registry unreachable')) };
  const models = Array.from({ length: 10 }, (_, i) => `m${i}`);

  const result = await runPollIntake(
    { ...deps, feed: down, concurrency: 1, managedModels: async () => models },
    now,
  );

  expect([result.polled, result.requests, result.deferred]).toEqual([0, 3, 10]);
});

it('keeps polling the other models when the registry refuses one model’s search', async () => {
  const { deps, queue } = setup('main.fraud.detector', [1]);
  const refused = Object.assign(new Error('400 INVALID_PARAMETER_VALUE'), { retryable: false });
  const feed = {
    newestFirst: false,
    page: (model: string, token?: string) =>
      model === 'main.fraud.detector' ? deps.feed.page(model, token) : Promise.reject(refused),
  };
  const models = ['a', 'b', 'c', 'd', 'main.fraud.detector'];

  await runPollIntake({ ...deps, feed, concurrency: 1, managedModels: async () => models }, now);

  expect(queuedVersions(queue)).toEqual(['1']);
});

describe('whether the tick polls its registry', () => {
  it.each([
    ['mlflow', 'auto', false],
    ['databricks', 'auto', false],
    ['databricks-uc', 'auto', true],
    ['databricks-uc', 'off', false],
    ['mlflow', 'on', true],
  ])('a %s registry with REGISTRY_POLL_INTAKE=%s: polled %s', async (flavor, setting, polled) => {
    const env = {
      TABLE_NAME: 'baton-test',
      MLFLOW_TRACKING_URI: 'https://dbc-1.cloud.databricks.com',
      REGISTRY_FLAVOR: flavor,
      REGISTRY_POLL_INTAKE: setting,
    };

    const intake = await pollIntakeFromEnv(
      { policies: [], store: { listChampions: async () => [] }, queue: new RecordingQueue() },
      env,
    );

    expect(intake !== noPollIntake).toBe(polled);
  });
});
