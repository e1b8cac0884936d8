import { describe, expect, it } from 'vitest';
import type { PromotionEvent, RegistryEvent } from '../../events/promotionEvent';
import { reconcile } from '../../lib/promotion/reconcile';
import { reconcileChampions } from '../../lib/promotion/reconcileChampions';
import { aPolicy, aVersion } from '../support/builders';
import { MemoryRegistry, MemoryStore } from '../support/fakes';

const now = new Date('2026-11-22T12:00:00Z');
const minutesAgo = (m: number) => now.getTime() - m * 60_000;

function setup() {
  const registry = new MemoryRegistry();
  const store = new MemoryStore();
  const queued: RegistryEvent[] = [];
  const queue = { enqueue: async (e: PromotionEvent) => void queued.push(e as RegistryEvent) };
  return { registry, store, queued, deps: { registry, store, queue, now } };
}

describe('the reconciler', () => {
  it('enqueues recent versions Baton has no record of, oldest first, as swept created events', async () => {
    const { registry, store, queued, deps } = setup();
    registry.add(aVersion({ name: 'fraud', version: '3', creationTimestamp: minutesAgo(1) }));
    registry.add(aVersion({ name: 'fraud', version: '2', creationTimestamp: minutesAgo(2) }));
    registry.add(aVersion({ name: 'churn', version: '7', creationTimestamp: minutesAgo(3) }));
    await store.saveVersion(
      { model: 'fraud', version: '2', phase: 'validated', revision: 1, updatedAt: 'x' },
      0,
      [],
    );

    const result = await reconcile(deps);

    expect(queued.map((e) => `${e.model} v${e.version} ${e.source} ${e.deliveryId}`)).toEqual([
      'fraud v3 reconciler sweep:fraud:3',
      'churn v7 reconciler sweep:churn:7',
    ]);
    expect(result.watermark).toBe(minutesAgo(1));
  });

  it('leaves versions older than the first sweep’s lookback alone: they predate Baton', async () => {
    const { registry, queued, deps } = setup();
    registry.add(aVersion({ version: '1', creationTimestamp: minutesAgo(120) }));

    await reconcile(deps);

    expect(queued).toEqual([]);
  });

  it('sweeps from the stored watermark minus the overlap on later runs', async () => {
    const { registry, store, queued, deps } = setup();
    store.watermark = minutesAgo(30);
    registry.add(aVersion({ version: '4', creationTimestamp: minutesAgo(33) }));
    registry.add(aVersion({ version: '5', creationTimestamp: minutesAgo(40) }));

    await reconcile(deps);

    expect(queued.map((e) => e.version)).toEqual(['4']);
    expect(store.watermark).toBe(minutesAgo(30));
  });
});

describe('the champion sweep', () => {
  it('enqueues an alias event for each model whose champion alias differs from Baton’s champion', async () => {
    const { registry, store, queued, deps } = setup();
    registry.add(aVersion({ name: 'fraud', version: '2' }));
    registry.add(aVersion({ name: 'fraud', version: '3' }));
    registry.add(aVersion({ name: 'churn', version: '1' }));
    registry.aliases.set('fraud/champion', '3');
    registry.aliases.set('churn/champion', '1');
    await store.setChampion('fraud', '2');
    await store.setChampion('churn', '1');
    await store.setChampion('gone', '4');

    await reconcileChampions({ ...deps, policyFor: () => aPolicy() });

    expect(queued.map((e) => `${e.kind} ${e.model} ${e.alias}→${e.version ?? '-'} ${e.source}`)).toEqual([
      'model_version_alias.created fraud champion→3 reconciler',
      'model_version_alias.deleted gone champion→- reconciler',
    ]);
  });
});

describe('the reconciler’s grace period', () => {
  it('leaves a version younger than the grace period to its webhook, and sweeps it on a later run', async () => {
    const { registry, store, queued, deps } = setup();
    store.watermark = minutesAgo(10);
    registry.add(aVersion({ version: '8', creationTimestamp: now.getTime() - 20_000 }));

    await reconcile(deps);
    const first = queued.map((e) => e.version);
    await reconcile({ ...deps, now: new Date(now.getTime() + 60_000) });

    expect(first).toEqual([]);
    expect(queued.map((e) => e.version)).toEqual(['8']);
  });
});
