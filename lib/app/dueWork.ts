/**
 * Deadlines come due without any event: the tick asks the store's DueIndex (no table scan) for
 * versions whose deadline has passed and enqueues one `due` event each; the worker decides. A
 * record with stored work that failed (effects still to apply, events still to decide: see
 * lib/app/storedIntent.ts) carries its next retry as `dueAt`, so the same sweep brings the worker
 * back to finish it; each retry has a new `dueAt`, hence a new deduplication id.
 *
 * @example
 *   const events = await enqueueDueWork({ store, queue, now: new Date() });
 */
import type { DueEvent } from '../../events/promotionEvent';
import type { PromotionStore } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';

export async function enqueueDueWork(options: {
  store: PromotionStore;
  queue: EventQueue;
  now: Date;
}): Promise<DueEvent[]> {
  const due = await options.store.dueVersions(options.now.getTime());
  const events: DueEvent[] = due.map((d) => ({
    type: 'due',
    model: d.model,
    version: d.version,
    dueAt: d.dueAt,
    // One event per deadline: repeated ticks within SQS's dedup window collapse into one.
    deliveryId: `${d.model}:${d.version}:${d.dueAt}`,
    receivedAt: options.now.toISOString(),
  }));
  for (const event of events) await options.queue.enqueue(event);
  return events;
}
