/**
 * MLflow does not always tell Baton about alias changes (webhooks are lost, and a deleted alias
 * leaves no trace on the model). Every sweep compares, for each model Baton has made a champion
 * for, the registry's champion alias with Baton's champion, and enqueues an alias event for each
 * difference; the worker records it, announces it and reverts it per policy, once per episode
 * (a difference already on record as an episode is not handed on again).
 *
 * @example
 *   const events = await reconcileChampions({ registry, store, queue, policyFor, now });
 */
import { EventSource, type RegistryEvent, RegistryEventKind } from '../../events/promotionEvent';
import type { Policy } from '../domain/policy';
import type { ModelRegistry, PromotionStore } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';

export async function reconcileChampions(options: {
  registry: ModelRegistry;
  store: PromotionStore;
  queue: EventQueue;
  policyFor(model: string): Policy | undefined;
  now: Date;
}): Promise<RegistryEvent[]> {
  const events: RegistryEvent[] = [];
  for (const { model, version } of await options.store.listChampions()) {
    const policy = options.policyFor(model);
    if (!policy) continue;
    const alias = policy.aliases.champion;
    const holder = (await options.registry.getModelVersionByAlias(model, alias))?.version ?? null;
    if (holder === version) continue;
    // This hand move is already an episode on record (told once): no need to hand it on again.
    const record = await options.store.getVersion(model, version);
    if (record?.externalChampion && record.externalChampion.holder === holder) continue;
    const event: RegistryEvent = {
      type: 'registry',
      kind: holder ? RegistryEventKind.ModelVersionAliasCreated : RegistryEventKind.ModelVersionAliasDeleted,
      source: EventSource.Reconciler,
      model,
      alias,
      ...(holder && { version: holder }),
      // One event per model, holder and minute: repeated sweeps of one change collapse in SQS.
      deliveryId: `sweep-alias:${model}:${holder ?? 'none'}:${Math.floor(options.now.getTime() / 60_000)}`,
      occurredAt: options.now.toISOString(),
      receivedAt: options.now.toISOString(),
    };
    await options.queue.enqueue(event);
    events.push(event);
  }
  return events;
}
