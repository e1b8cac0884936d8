import { describe, expect, it } from 'vitest';
import type { PromotionEvent, RegistryEvent } from '../../events/promotionEvent';
import { reconcile } from '../../lib/app/reconcile';
import { reconcileChampions } from '../../lib/app/reconcileChampions';
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

describe('the reconciler after a policy is added while Baton runs', () => {
  const unmanaged = (version: string) => ({
    model: 'fraud',
    version,
    phase: 'unmanaged' as const,
    revision: 1,
    updatedAt: 'x',
  });

  it('enqueues the newest version recorded unmanaged once a policy governs its model', async () => {
    const { registry, store, queued, deps } = setup();
    store.watermark = minutesAgo(10);
    registry.add(aVersion({ version: '1', creationTimestamp: minutesAgo(90) }));
    registry.add(aVersion({ version: '2', creationTimestamp: minutesAgo(80) }));
    await store.saveVersion(unmanaged('1'), 0, []);
    await store.saveVersion(unmanaged('2'), 0, []);

    await reconcile({ ...deps, policyFor: () => aPolicy() });

    expect(queued.map((e) => `${e.model} v${e.version} ${e.deliveryId}`)).toEqual([
      'fraud v2 sweep-governed:fraud:2:1',
    ]);
  });

  it('leaves unmanaged versions alone while no policy governs the model', async () => {
    const { registry, store, queued, deps } = setup();
    store.watermark = minutesAgo(10);
    registry.add(aVersion({ version: '2', creationTimestamp: minutesAgo(80) }));
    await store.saveVersion(unmanaged('2'), 0, []);

    await reconcile({ ...deps, policyFor: () => undefined });

    expect(queued).toEqual([]);
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

describe('the champion sweep during an episode', () => {
  it('does not hand on a hand move that is already an episode on record', async () => {
    const { registry, store, queued, deps } = setup();
    registry.add(aVersion({ name: 'fraud', version: '3' }));
    registry.aliases.set('fraud/champion', '3');
    await store.setChampion('fraud', '2');
    await store.saveVersion(
      {
        model: 'fraud',
        version: '2',
        phase: 'promoted',
        revision: 1,
        updatedAt: 'x',
        externalChampion: { holder: '3', at: 'x', reverted: false },
      },
      0,
      [],
    );

    await reconcileChampions({ ...deps, policyFor: () => aPolicy() });

    expect(queued).toEqual([]);
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

describe('the reconciler under a backlog', () => {
  it('sends a version it swept once per overlap, however many ticks find it still unrecorded', async () => {
    const { registry, queued, deps } = setup();
    registry.add(aVersion({ name: 'fraud', version: '3', creationTimestamp: minutesAgo(2) }));
    const enqueuedAt = new Map<string, number>();
    const tick = (minutes: number) =>
      reconcile({ ...deps, enqueuedAt, now: new Date(now.getTime() + minutes * 60_000) });

    await tick(0);
    await tick(1);
    await tick(4);
    expect(queued.map((e) => e.deliveryId)).toEqual(['sweep:fraud:3']);

    // Still unrecorded once the overlap has passed (its message lost?): sent again, once.
    registry.add(aVersion({ name: 'fraud', version: '4', creationTimestamp: now.getTime() + 4 * 60_000 }));
    await tick(5);
    await tick(6);
    expect(queued.map((e) => e.deliveryId)).toEqual(['sweep:fraud:3', 'sweep:fraud:3', 'sweep:fraud:4']);
  });

  it('sends again from a new sandbox, which remembers nothing', async () => {
    const { registry, queued, deps } = setup();
    registry.add(aVersion({ name: 'fraud', version: '3', creationTimestamp: minutesAgo(2) }));
    await reconcile({ ...deps, enqueuedAt: new Map() });
    await reconcile({ ...deps, enqueuedAt: new Map() });
    expect(queued.map((e) => e.deliveryId)).toEqual(['sweep:fraud:3', 'sweep:fraud:3']);
  });
});

describe('the reconciler in a warm sandbox', () => {
  /** The store's reads and writes a sweep makes, counted. */
  function counted(store: MemoryStore) {
    const calls = { knownVersions: 0, getVersion: 0, setWatermark: 0 };
    const counting = Object.create(store) as MemoryStore;
    counting.knownVersions = async (model, versions) => {
      calls.knownVersions += 1;
      return store.knownVersions(model, versions);
    };
    counting.getVersion = async (model, version) => {
      calls.getVersion += 1;
      return store.getVersion(model, version);
    };
    counting.setWatermark = async (ms) => {
      calls.setWatermark += 1;
      return store.setWatermark(ms);
    };
    return { counting, calls };
  }
  const validated = (model: string, version: string) => ({
    model,
    version,
    phase: 'validated' as const,
    revision: 2,
    updatedAt: 'x',
  });

  it('reads a version found recorded, and a newest version found decided, once per sandbox', async () => {
    const { registry, store, queued, deps } = setup();
    for (const model of ['fraud', 'churn']) {
      for (const version of ['1', '2', '3']) {
        registry.add(aVersion({ name: model, version, creationTimestamp: minutesAgo(4) + Number(version) }));
        await store.saveVersion(validated(model, version), 0, []);
      }
    }
    const { counting, calls } = counted(store);
    const memo = {
      enqueuedAt: new Map<string, number>(),
      recorded: new Map<string, number>(),
      decided: new Set<string>(),
    };
    const tick = (seconds: number) =>
      reconcile({
        ...deps,
        store: counting,
        ...memo,
        policyFor: () => aPolicy(),
        now: new Date(now.getTime() + seconds * 1000),
      });

    await tick(0);
    const first = { ...calls };
    await tick(1);
    await tick(2);

    expect(first).toEqual({ knownVersions: 2, getVersion: 2, setWatermark: 1 });
    // Later ticks read nothing of what they already found, and leave an unchanged watermark alone.
    expect(calls).toEqual(first);
    expect(queued).toEqual([]);
  });

  it('still sweeps a new version, and reads again from a new sandbox', async () => {
    const { registry, store, queued, deps } = setup();
    registry.add(aVersion({ name: 'fraud', version: '1', creationTimestamp: minutesAgo(4) }));
    await store.saveVersion(validated('fraud', '1'), 0, []);
    const { counting, calls } = counted(store);
    const memo = { recorded: new Map<string, number>(), decided: new Set<string>() };

    await reconcile({ ...deps, store: counting, ...memo });
    registry.add(aVersion({ name: 'fraud', version: '2', creationTimestamp: minutesAgo(3) }));
    await reconcile({ ...deps, store: counting, ...memo });
    await reconcile({ ...deps, store: counting, recorded: new Map(), decided: new Set() });

    expect(queued.map((e) => e.deliveryId)).toEqual(['sweep:fraud:2', 'sweep:fraud:2']);
    // Tick 1 reads v1; tick 2 only v2 (v1 is remembered); the new sandbox reads both again.
    expect(calls.knownVersions).toBe(3);
  });
});
