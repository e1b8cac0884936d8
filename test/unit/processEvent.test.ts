import { describe, expect, it } from 'vitest';
import { StaleStateError } from '../../lib/adapters/store/errors';
import { VersionNotReadyError } from '../../lib/app/errors';
import { processEvent } from '../../lib/app/processEvent';
import { aCreatedEvent, aPolicy, aRun, aVersion } from '../support/builders';
import { MemoryNotifier, MemoryRegistry, MemoryStore, withNullDeps } from '../support/fakes';

function setup() {
  const registry = new MemoryRegistry();
  const store = new MemoryStore();
  const notifier = new MemoryNotifier();
  registry.add(
    aVersion({ version: '1', runId: 'run-1' }),
    aRun({ val_auc: 0.9, val_logloss: 0.409 }, { runId: 'run-1' }),
  );
  registry.aliases.set('fraud/champion', '1');
  registry.add(aVersion(), aRun({ val_auc: 0.91, val_logloss: 0.412 }));
  const deps = withNullDeps({
    registry,
    store,
    notifier,
    policyFor: () => aPolicy(),
    now: () => new Date('2026-11-22T12:00:00Z'),
  });
  return { registry, store, notifier, deps };
}

describe('processing one event', () => {
  it('validates against the champion, writes the verdict, stores the state and one audit entry', async () => {
    const { registry, store, notifier, deps } = setup();

    const outcome = await processEvent(aCreatedEvent(), deps);

    expect(outcome.phase).toBe('validated');
    expect((await registry.getModelVersion('fraud', '2'))?.tags).toMatchObject({
      validation_status: 'PASSED',
      'baton.check.champion.val_logloss': 'PASS: val_logloss 0.412 ≤ champion 0.409 + 0.005',
    });
    expect(registry.aliases.get('fraud/challenger')).toBe('2');
    expect(store.audit.map((a) => a.kind)).toEqual(['validation.passed']);
    expect(notifier.published.map((n) => n.idempotencyKey)).toEqual(['validation:fraud:2']);
  });

  it('converges after a crash between two registry writes: same tags, one state, one audit entry', async () => {
    const { registry, store, notifier, deps } = setup();
    registry.crashOnWrite = 4;

    await expect(processEvent(aCreatedEvent(), deps)).rejects.toThrow('crash');
    const redelivered = await processEvent(aCreatedEvent({ deliveryId: 'redelivery' }), deps);

    expect(redelivered.phase).toBe('validated');
    expect((await registry.getModelVersion('fraud', '2'))?.tags.validation_status).toBe('PASSED');
    expect(store.audit).toHaveLength(1);
    expect(notifier.published).toHaveLength(1);
  });

  it('converges after a crash between applying effects and storing state, and the notice keeps its key', async () => {
    const { store, notifier, deps } = setup();
    const save = store.saveVersion.bind(store);
    let crashed = false;
    store.saveVersion = async (...args) => {
      if (!crashed) {
        crashed = true;
        throw new Error('crash before the state write');
      }
      return save(...args);
    };

    await expect(processEvent(aCreatedEvent(), deps)).rejects.toThrow('crash before the state write');
    await processEvent(aCreatedEvent(), deps);
    await processEvent(aCreatedEvent(), deps);

    expect(store.audit).toHaveLength(1);
    // Published twice (at-least-once); subscribers deliver each idempotency key once.
    expect(new Set(notifier.published.map((n) => n.idempotencyKey))).toEqual(new Set(['validation:fraud:2']));
  });

  it('leaves a version still registering to be retried, writing nothing', async () => {
    const { registry, store, deps } = setup();
    registry.add(aVersion({ version: '3', status: 'PENDING_REGISTRATION' }));

    await expect(processEvent(aCreatedEvent({ version: '3' }), deps)).rejects.toBeInstanceOf(
      VersionNotReadyError,
    );
    expect(await store.getVersion('fraud', '3')).toBeNull();
    expect(registry.writes).toEqual([]);
  });

  it('refuses to overwrite a state someone else wrote after it was read', async () => {
    const { store, deps } = setup();
    const get = store.getVersion.bind(store);
    store.getVersion = async (model, version) => {
      const read = await get(model, version);
      // Another worker stores a verdict between this worker's read and write.
      await store.saveVersion({ model, version, phase: 'registered', revision: 1, updatedAt: 'x' }, 0, []);
      return read;
    };

    await expect(processEvent(aCreatedEvent(), deps)).rejects.toBeInstanceOf(StaleStateError);
  });

  it('makes no registry call for an echo of its own tag write', async () => {
    const { registry, deps } = setup();
    let reads = 0;
    const get = registry.getModelVersion.bind(registry);
    registry.getModelVersion = async (...args) => {
      reads += 1;
      return get(...args);
    };

    await processEvent(
      aCreatedEvent({ kind: 'model_version_tag.set', tag: { key: 'validation_status', value: 'PASSED' } }),
      deps,
    );

    expect(reads).toBe(0);
    expect(registry.writes).toEqual([]);
  });

  it('never lets a version whose tags say promoted replace Baton’s champion of record', async () => {
    const { registry, store, deps } = setup();
    await store.setChampion('fraud', '1');
    registry.add(
      aVersion({
        version: '3',
        runId: 'run-3',
        tags: { git_sha: 'abc', validation_status: 'PASSED', 'baton.phase': 'promoted' },
        aliases: ['champion'],
      }),
      aRun({ val_auc: 0.95, val_logloss: 0.3 }, { runId: 'run-3' }),
    );

    await processEvent(aCreatedEvent({ version: '3', deliveryId: 'forged' }), deps);

    expect(await store.getChampion('fraud')).toBe('1');
  });
});
