/**
 * MLflow's webhooks are fire-and-forget: a delivery is lost when Baton is unreachable for long or
 * the registry restarts. The reconciler sweeps the registry for versions Baton has no record of
 * and enqueues them as `model_version.created` events. A watermark (the newest creation time
 * swept, minus an overlap) keeps each sweep to the recent versions; the worker's business-key
 * dedup makes a swept event and a late webhook for the same version one validation. A version
 * swept after lost state is adopted from its tags by the worker, not decided again. Given the
 * policies, it also re-enqueues a model's newest version recorded `unmanaged` once a policy
 * governs the model.
 *
 * @example
 *   const { enqueued } = await reconcile({ registry, store, queue, now: new Date() });
 */
import { EventSource, type RegistryEvent, RegistryEventKind } from '../../events/promotionEvent';
import { Phase } from '../domain/phases';
import type { Policy } from '../domain/policy';
import type { ModelRegistry, ModelVersionInfo, PromotionStore } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';

export interface ReconcileOptions {
  registry: ModelRegistry;
  store: PromotionStore;
  queue: EventQueue;
  now: Date;
  /** Look this far behind the watermark, for versions created while a sweep ran (default 5 min). */
  overlapMs?: number;
  /** On the very first sweep, versions older than this predate Baton and are left alone (default 1 h). */
  initialLookbackMs?: number;
  /** Versions per registry page (default 200). */
  pageSize?: number;
  /**
   * Versions younger than this are left to their webhook (default 60 s): under a backlog a
   * version can be queued but not yet recorded, and sweeping it would only add duplicate work.
   */
  minAgeMs?: number;
  /**
   * The policies in force: a model's newest version recorded `unmanaged` is swept again once a
   * policy governs the model (a policy added while Baton runs). Without it, unmanaged stays so.
   */
  policyFor?(model: string): Policy | undefined;
  /**
   * What this sandbox's sweeps enqueued (delivery id → ms): a version is sent once per overlap.
   * Sending it again would be harmless (the FIFO queue drops a repeated deduplication id within
   * 5 minutes), but under a backlog every tick would send every version still queued again: a
   * thousand versions behind the worker were a thousand more SendMessage calls a tick. Lost with
   * the sandbox; the next sweep then sends once more.
   */
  enqueuedAt?: Map<string, number>;
  /**
   * Versions this sandbox's sweeps found recorded (`model version` → creation ms): a record is never
   * removed, so a version found recorded is not read from the table again while it stays in the
   * window. Without it, every tick reads every version of the window (after a burst of a hundred,
   * a hundred reads a tick for five minutes).
   */
  recorded?: Map<string, number>;
  /**
   * Newest versions found decided (neither unmanaged nor still registering): a decided record never
   * becomes unmanaged, so they are not read again for newly governed models.
   */
  decided?: Set<string>;
}

export interface ReconcileResult {
  swept: number;
  enqueued: RegistryEvent[];
  watermark: number;
}

export async function reconcile(options: ReconcileOptions): Promise<ReconcileResult> {
  const { registry, store, queue, now } = options;
  const stored = await store.getWatermark();
  const watermark = stored ?? now.getTime() - (options.initialLookbackMs ?? 3_600_000);
  const overlapMs = options.overlapMs ?? 300_000;
  const since = watermark - overlapMs;

  // Newest first, page by page, until the versions are older than the sweep window.
  const recent: ModelVersionInfo[] = [];
  let pageToken: string | undefined;
  let firstPage: ModelVersionInfo[] | undefined;
  do {
    const page = await registry.searchModelVersions({
      orderBy: ['creation_timestamp DESC'],
      maxResults: options.pageSize ?? 200,
      pageToken,
    });
    firstPage ??= page.versions;
    const inWindow = page.versions.filter((v) => v.creationTimestamp >= since);
    recent.push(...inWindow);
    pageToken = inWindow.length === page.versions.length ? page.nextPageToken : undefined;
  } while (pageToken);

  const settled = now.getTime() - (options.minAgeMs ?? 60_000);
  const swept = recent.filter((v) => v.creationTimestamp <= settled);
  const byModel = new Map<string, ModelVersionInfo[]>();
  for (const v of swept) byModel.set(v.name, [...(byModel.get(v.name) ?? []), v]);
  const enqueued: RegistryEvent[] = [];
  const sent = options.enqueuedAt ?? new Map<string, number>();
  for (const [id, at] of sent) if (at <= now.getTime() - overlapMs) sent.delete(id);
  const recorded = options.recorded ?? new Map<string, number>();
  for (const [key, created] of recorded) if (created < since) recorded.delete(key);
  for (const [model, all] of byModel) {
    const versions = all.filter((v) => !recorded.has(`${model} ${v.version}`));
    if (versions.length === 0) continue;
    const known = await store.knownVersions(
      model,
      versions.map((v) => v.version),
    );
    for (const v of versions)
      if (known.has(v.version)) recorded.set(`${model} ${v.version}`, v.creationTimestamp);
    // Oldest first, so a model's versions are validated in the order they were registered.
    for (const v of versions.filter((x) => !known.has(x.version)).reverse()) {
      const id = `sweep:${model}:${v.version}`;
      if (sent.has(id)) continue;
      const event = createdEvent(v, id, now);
      await queue.enqueue(event);
      sent.set(id, now.getTime());
      enqueued.push(event);
    }
  }
  enqueued.push(...(await sweepNewlyGoverned(options, firstPage ?? [], enqueued)));
  // The watermark never passes a version too young to sweep: the next sweep looks at it again.
  const newest = Math.max(watermark, ...swept.map((v) => v.creationTimestamp));
  if (newest !== stored) await store.setWatermark(newest);
  return { swept: swept.length, enqueued, watermark: newest };
}

function createdEvent(v: ModelVersionInfo, deliveryId: string, now: Date): RegistryEvent {
  return {
    type: 'registry',
    kind: RegistryEventKind.ModelVersionCreated,
    source: EventSource.Reconciler,
    model: v.name,
    version: v.version,
    deliveryId,
    occurredAt: new Date(v.creationTimestamp).toISOString(),
    receivedAt: now.toISOString(),
  };
}

/**
 * A model's newest version (among the registry's newest page, whatever its age) that Baton
 * recorded `unmanaged` while a policy now governs the model: enqueued again, so the worker
 * decides it under the new policy. Older unmanaged versions are left alone (never a surprise
 * validation, let alone promotion, of something long superseded).
 */
async function sweepNewlyGoverned(
  options: ReconcileOptions,
  newest: ModelVersionInfo[],
  already: RegistryEvent[],
): Promise<RegistryEvent[]> {
  const { policyFor, store, queue, now } = options;
  if (!policyFor) return [];
  const newestByModel = new Map<string, ModelVersionInfo>();
  for (const v of newest) {
    const seen = newestByModel.get(v.name);
    if (!seen || v.creationTimestamp > seen.creationTimestamp) newestByModel.set(v.name, v);
  }
  const events: RegistryEvent[] = [];
  const decided = options.decided ?? new Set<string>();
  for (const [model, v] of newestByModel) {
    if (!policyFor(model) || already.some((e) => e.model === model && e.version === v.version)) continue;
    if (decided.has(`${model} ${v.version}`)) continue;
    const state = await store.getVersion(model, v.version);
    if (state && state.phase !== Phase.Unmanaged && state.phase !== Phase.Registered) {
      decided.add(`${model} ${v.version}`);
    }
    if (state?.phase !== Phase.Unmanaged) continue;
    // One id per record revision: repeated ticks collapse until the worker has decided it.
    const event = createdEvent(v, `sweep-governed:${model}:${v.version}:${state.revision}`, now);
    await queue.enqueue(event);
    events.push(event);
  }
  return events;
}
