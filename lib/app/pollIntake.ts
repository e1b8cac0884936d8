/**
 * The intake of registries that cannot push (Unity Catalog has no webhooks): every tick, the
 * managed models the schedule picks (lib/domain/pollSchedule.ts, inside the registry's request
 * budget) are searched from their cursor, and each new version is queued on the promotion queue as
 * a `model_version.created` event, as a webhook delivery would be, with the stable delivery id
 * `poll:<model>:<version>` (the queue's dedup id is `poll:poll:<model>:<version>`). The cursor moves
 * only past what was queued (lib/domain/pollCursor.ts): a burst is queued whole, over as many pages
 * and ticks as it needs, and a re-poll queues nothing twice.
 *
 * Models under a glob policy are discovered through the registry's model listing (a few pages a
 * tick, within the budget, resuming where the last tick stopped): a governed model without a cursor
 * gets one, and is polled from then on (lib/domain/pollDiscovery.ts says where its first poll
 * starts).
 *
 * Cost: one request per polled model and search page. A newest-first feed (MLflow) stops at the
 * page that reaches the cursor; Unity Catalog's search has no order_by, so a model's every page is
 * read (one request below the page size, 1,000 versions by default). A model whose pages outrun
 * what is left of the budget is left whole for the next tick, where it is the most overdue.
 *
 * @example
 *   const { queued, requests } = await runPollIntake(deps, new Date()); // queued: RegistryEvent[]
 */
import { EventSource, type RegistryEvent, RegistryEventKind } from '../../events/promotionEvent';
import { defaultInitialLookbackMs, reachesCursor, selectNewVersions } from '../domain/pollCursor';
import { advance, discoveredCursors, knownSince } from '../domain/pollDiscovery';
import type {
  DirectoryProgressStore,
  ModelDirectory,
  PollCursor,
  PollCursors,
  PolledVersion,
  VersionFeed,
} from '../domain/pollPorts';
import { pollSchedule } from '../domain/pollSchedule';
import type { EventQueue } from '../domain/queuePorts';
import { logger } from '../log';

export interface PollIntakeDeps {
  feed: VersionFeed;
  cursors: PollCursors;
  queue: EventQueue;
  /** The models policies name (exact names, and glob-governed models Baton already knows). */
  managedModels(): Promise<string[]>;
  /** Registry requests per tick: requests per second × the tick's period. */
  budgetPerTick: number;
  tickMs: number;
  /** Versions queued per tick at most, across models (default 500); the rest on the next tick. */
  maxQueuedPerTick?: number;
  /** Models polled at once (default 8). */
  concurrency?: number;
  initialLookbackMs?: number;
  /** Finds models under glob policies through the registry's model listing; absent without one. */
  discovery?: Discovery;
}

export interface Discovery {
  directory: ModelDirectory;
  progress: DirectoryProgressStore;
  /** Whether a policy governs the model's name. */
  governs(model: string): boolean;
  /** Listing pages read per tick at most (default: 5 % of the budget, at least 1). */
  pagesPerTick?: number;
}

export interface PollIntakeResult {
  polled: number;
  /** Registry requests made (search pages). */
  requests: number;
  queued: RegistryEvent[];
  /** Due models left for a later tick: over the budget, or their pages outran it. */
  deferred: number;
  /** Models discovered under glob policies this tick. */
  discovered?: string[];
}

/** The tick's poll intake, composed with its deps (lib/wiring/tick.ts). */
export type PollIntake = (now: Date) => Promise<PollIntakeResult>;

/** The null intake, for registries that push: nothing polled. */
export const noPollIntake: PollIntake = async () => ({ polled: 0, requests: 0, queued: [], deferred: 0 });

/** A registry error that says trying again cannot help (adapters' errors carry `retryable`). */
const isRefusal = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false;

/** Models that may fail in one tick before the rest are left for the next. */
const maxFailuresPerTick = 3;

/** A tenth of the budget is kept for the extra pages of bursts; the schedule plans the rest. */
const planShare = 0.9;

/** The share of the budget the model listing may take per tick (at least one page). */
const directoryShare = 0.05;

/**
 * Polls the models due this tick and queues their new versions.
 *
 * @example
 *   await runPollIntake({ feed, cursors, queue, managedModels, budgetPerTick: 600, tickMs: 60_000 }, now);
 */
export async function runPollIntake(deps: PollIntakeDeps, now: Date): Promise<PollIntakeResult> {
  const managed = new Set(await deps.managedModels());
  const stored = new Map((await deps.cursors.all()).map((c) => [c.model, c]));
  const tally = { requests: 0, queuedLeft: deps.maxQueuedPerTick ?? 500, deferred: 0, polled: 0 };
  const discovered = deps.discovery ? await discover(deps, deps.discovery, managed, stored, now, tally) : [];
  const plan = pollSchedule({
    models: [...managed].map((model) => ({
      model,
      lastActivityMs: stored.get(model)?.lastActivityMs ?? null,
      lastPolledMs: stored.get(model)?.lastPolledMs ?? null,
    })),
    now: now.getTime(),
    tickMs: deps.tickMs,
    budgetPerTick: Math.floor((deps.budgetPerTick - tally.requests) * planShare),
    requestsPerPoll: 1,
  });
  tally.deferred = plan.deferred;
  const queued: RegistryEvent[] = [];
  const pending = [...plan.poll];
  let failures = 0;
  const worker = async () => {
    for (let model = pending.shift(); model !== undefined; model = pending.shift()) {
      try {
        const cursor = stored.get(model) ?? null;
        const read = await readNewPages(deps, model, cursor, now, tally);
        if (!read) {
          tally.deferred += 1;
          continue;
        }
        tally.polled += 1;
        queued.push(...(await queueNew(deps, model, cursor, read, now, tally)));
      } catch (error) {
        logger.warn('poll intake could not poll a model', { model, error });
        tally.deferred += 1;
        // A search the registry refuses (a name it cannot take) will not get better: the model waits
        // its turn again, and is no sign of an outage.
        if (isRefusal(error)) {
          const cursor = stored.get(model);
          if (cursor)
            await deps.cursors.save({ ...cursor, lastPolledMs: now.getTime() }).catch(() => undefined);
          continue;
        }
        // An unreachable registry or table: the model stays due, first in line next tick. After a
        // few failures the rest wait too, so an outage never holds the tick until its timeout.
        if (++failures >= maxFailuresPerTick) tally.deferred += pending.splice(0).length;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 8) }, worker));
  if (queued.length > 0) {
    logger.info('poll intake queued new versions', {
      versions: queued.map((e) => `${e.model} v${e.version}`),
    });
  }
  return {
    polled: tally.polled,
    requests: tally.requests,
    queued,
    deferred: tally.deferred,
    ...(deps.discovery && { discovered }),
  };
}

/**
 * Reads the next pages of the registry's model listing (a few a tick, resuming where the last tick
 * stopped), gives each model a glob policy governs a first cursor, and adds every governed model
 * with a cursor to the managed set. A listing that fails is tried again next tick; polling goes on.
 */
async function discover(
  deps: PollIntakeDeps,
  discovery: Discovery,
  managed: Set<string>,
  stored: Map<string, PollCursor>,
  now: Date,
  tally: { requests: number },
): Promise<string[]> {
  for (const model of stored.keys()) if (discovery.governs(model)) managed.add(model);
  const pages = discovery.pagesPerTick ?? Math.max(1, Math.floor(deps.budgetPerTick * directoryShare));
  const found: string[] = [];
  try {
    let progress = (await discovery.progress.get()) ?? {
      passStartedMs: now.getTime(),
      previousPassStartedMs: null,
    };
    const known = new Set([...managed, ...stored.keys()]);
    let read = 0;
    while (read < pages && tally.requests < deps.budgetPerTick) {
      tally.requests += 1;
      read += 1;
      const page = await discovery.directory.page(progress.pageToken);
      const cursors = discoveredCursors({
        listed: page.models,
        governs: discovery.governs,
        known,
        knownSinceMs: knownSince(progress),
        now: now.getTime(),
        lookbackMs: deps.initialLookbackMs ?? defaultInitialLookbackMs,
      });
      for (const cursor of cursors) {
        await deps.cursors.discover(cursor);
        stored.set(cursor.model, cursor);
        managed.add(cursor.model);
        known.add(cursor.model);
        found.push(cursor.model);
      }
      const finished = !page.nextPageToken;
      progress = advance(progress, page.nextPageToken, now.getTime());
      if (finished) break;
    }
    // Once a tick: a failed page leaves the progress of the pages before it unsaved, and they are
    // read again next tick (their models already have cursors, so nothing is found twice).
    if (read > 0) await discovery.progress.save(progress);
  } catch (error) {
    logger.warn('poll intake could not read the model listing', { error });
  }
  if (found.length > 0) logger.info('poll intake discovered models under glob policies', { models: found });
  return found;
}

/** Every page that may hold a version above the cursor, or null when the budget ran out first. */
async function readNewPages(
  deps: PollIntakeDeps,
  model: string,
  cursor: PollCursor | null,
  now: Date,
  tally: { requests: number },
): Promise<PolledVersion[] | null> {
  const cutoff = now.getTime() - (deps.initialLookbackMs ?? 3_600_000);
  const read: PolledVersion[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    if (tally.requests >= deps.budgetPerTick) return null;
    tally.requests += 1;
    const page = await deps.feed.page(model, token);
    read.push(...page.versions);
    // Newest first: the page that reaches the cursor is the last one with anything new.
    if (deps.feed.newestFirst && reachesCursor(page.versions, cursor, cutoff)) break;
    // A token seen before would loop forever: the registry has nothing further.
    token = page.nextPageToken && !seen.has(page.nextPageToken) ? page.nextPageToken : undefined;
    if (token) seen.add(token);
  } while (token);
  return read;
}

/** Queues the versions above the cursor, lowest first, then stores how far it got. */
async function queueNew(
  deps: PollIntakeDeps,
  model: string,
  cursor: PollCursor | null,
  read: PolledVersion[],
  now: Date,
  tally: { queuedLeft: number },
): Promise<RegistryEvent[]> {
  const selection = selectNewVersions({
    model,
    cursor,
    read,
    now: now.getTime(),
    limit: tally.queuedLeft,
    initialLookbackMs: deps.initialLookbackMs,
  });
  tally.queuedLeft -= selection.toQueue.length;
  const queued: RegistryEvent[] = [];
  try {
    for (const v of selection.toQueue) {
      const event = createdEvent(model, v, now);
      await deps.queue.enqueue(event);
      queued.push(event);
    }
  } catch (error) {
    // The cursor moves past what was queued only; the rest is queued on a later tick.
    logger.warn('poll intake could not queue every new version', { model, queued: queued.length, error });
    const last = queued.at(-1);
    if (last) await deps.cursors.save({ ...selection.next, version: Number(last.version) });
    return queued;
  }
  await deps.cursors.save(selection.next);
  return queued;
}

function createdEvent(model: string, v: PolledVersion, now: Date): RegistryEvent {
  return {
    type: 'registry',
    kind: RegistryEventKind.ModelVersionCreated,
    source: EventSource.Poll,
    model,
    version: v.version,
    deliveryId: `poll:${model}:${v.version}`,
    occurredAt: new Date(v.creationTimestamp).toISOString(),
    receivedAt: now.toISOString(),
  };
}
