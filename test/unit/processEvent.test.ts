import { describe, expect, it } from 'vitest';
import type { DecisionEvent, PromotionEvent } from '../../events/promotionEvent';
import { StaleStateError } from '../../lib/adapters/store/errors';
import { enqueueDueWork } from '../../lib/app/dueWork';
import { VersionNotReadyError } from '../../lib/app/errors';
import { processEvent } from '../../lib/app/processEvent';
import type { VersionState } from '../../lib/domain/state';
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

  it('converges after a failure between two registry writes: same tags, one state, one audit entry', async () => {
    const { registry, store, notifier, deps } = setup();
    registry.crashOnWrite = 4;

    // The verdict is stored before its effects: the failure leaves the rest stored, and the message is done.
    expect((await processEvent(aCreatedEvent(), deps)).deferred).toBe('Error: crash');
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

/** A registry that answers nothing (every call fails as a dead server's would) while `down` is set. */
function withOutage(registry: MemoryRegistry) {
  const outage = { down: false };
  const proxied = new Proxy(registry, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        outage.down ? Promise.reject(new Error('connect ECONNREFUSED')) : value.apply(target, args);
    },
  });
  return { registry: proxied, outage };
}

const at = (iso: string) => () => new Date(iso);

/** v2 validated and waiting for one approval from ana; v1 is the champion. */
async function awaitingApproval() {
  const base = new MemoryRegistry();
  base.add(aVersion({ version: '1', runId: 'run-1' }), aRun({ val_auc: 0.9 }, { runId: 'run-1' }));
  base.add(aVersion(), aRun({ val_auc: 0.91 }));
  base.aliases.set('fraud/champion', '1');
  base.aliases.set('fraud/challenger', '2');
  const { registry, outage } = withOutage(base);
  const store = new MemoryStore();
  const notifier = new MemoryNotifier();
  const waiting: VersionState = {
    model: 'fraud',
    version: '2',
    phase: 'awaiting_approval',
    revision: 1,
    updatedAt: '2026-11-22T11:00:00.000Z',
    approvals: [],
    expiresAt: '2026-11-25T11:00:00.000Z',
    dueAt: Date.parse('2026-11-25T11:00:00.000Z'),
  };
  await store.saveVersion(waiting, 0, []);
  let clock = '2026-11-22T12:00:00.000Z';
  const deps = withNullDeps({
    registry,
    store,
    notifier,
    policyFor: () =>
      aPolicy({ approval: { required: true, approvers: ['ana@example.com'], minApprovals: 1 } }),
    now: () => new Date(clock),
  });
  const setClock = (iso: string) => {
    clock = iso;
  };
  return { base, outage, store, notifier, deps, setClock };
}

const approval: DecisionEvent = {
  type: 'decision',
  model: 'fraud',
  version: '2',
  decision: 'approve',
  actor: 'ana@example.com',
  via: 'link',
  deliveryId: 'approve-1',
  receivedAt: '2026-11-22T12:00:00.000Z',
};

/** What the tick would enqueue at `iso`: the due events of the DueIndex. */
async function tick(store: MemoryStore, iso: string): Promise<PromotionEvent[]> {
  const queued: PromotionEvent[] = [];
  await enqueueDueWork({ store, queue: { enqueue: async (e) => void queued.push(e) }, now: at(iso)() });
  return queued;
}

describe('intent before effects', () => {
  it('keeps an approval given while the registry is down, and the tick applies it once the registry is back', async () => {
    const { base, outage, store, notifier, deps, setClock } = await awaitingApproval();
    outage.down = true;

    const first = await processEvent(approval, deps);
    outage.down = false;
    setClock('2026-11-22T12:00:20.000Z');
    const due = await tick(store, '2026-11-22T12:00:20.000Z');
    for (const event of due) await processEvent(event, deps);

    expect(first.deferred).toBe('Error: connect ECONNREFUSED');
    expect(due.map((e) => e.type)).toEqual(['due']);
    expect(base.aliases.get('fraud/champion')).toBe('2');
    expect(base.aliases.get('fraud/archive')).toBe('1');
    expect(notifier.published.map((n) => n.idempotencyKey)).toEqual(['promoted:fraud:2']);
    expect((await store.getVersion('fraud', '2'))?.phase).toBe('promoted');
  });

  it('stores the approval on the record before reading anything, so the message can be acknowledged', async () => {
    const { outage, store, deps } = await awaitingApproval();
    outage.down = true;

    await processEvent(approval, deps);

    const stored = await store.getVersion('fraud', '2');
    expect(stored?.intent?.received.map((e) => e.deliveryId)).toEqual(['approve-1']);
    expect(stored?.intent?.lastError).toBe('Error: connect ECONNREFUSED');
    // The tick comes back for it; the request's own deadline waits aside.
    expect(stored?.dueAt).toBe(Date.parse('2026-11-22T12:00:20.000Z'));
    expect(stored?.intent?.deadline).toBe(Date.parse('2026-11-25T11:00:00.000Z'));
  });

  it('stores the promotion before its first alias call, and a redelivery finishes it from the failed call on', async () => {
    const { base, store, notifier, deps } = await awaitingApproval();
    // The third registry write fails: the archive and champion aliases are set, the challenger not yet removed.
    base.crashOnWrite = 3;

    const first = await processEvent(approval, deps);
    const stored = await store.getVersion('fraud', '2');
    await processEvent({ ...approval, deliveryId: 'approve-1' }, deps);

    expect(first.deferred).toBe('Error: crash');
    expect(stored?.phase).toBe('promoted');
    expect(stored?.intent?.effects[0]).toMatchObject({ type: 'deleteAlias', alias: 'challenger' });
    expect(base.writes.filter((w) => w.startsWith('alias'))).toEqual([
      'alias fraud archive→1',
      'alias fraud champion→2',
    ]);
    expect(base.aliases.has('fraud/challenger')).toBe(false);
    expect(notifier.published.map((n) => n.idempotencyKey)).toEqual(['promoted:fraud:2']);
    expect((await store.getVersion('fraud', '2'))?.intent).toBeUndefined();
  });

  it('decides a redelivered approval once, after its stored effects are applied', async () => {
    const { store, notifier, deps } = await awaitingApproval();

    await processEvent(approval, deps);
    await processEvent(approval, deps);

    expect(store.audit.map((a) => a.kind)).toEqual(['approval.recorded', 'promotion.completed']);
    expect(notifier.published).toHaveLength(1);
  });

  it('keeps a new version seen while the registry is down on a record of its own, validated by the tick later', async () => {
    const { base, outage, store, notifier, deps, setClock } = await awaitingApproval();
    base.add(aVersion({ version: '3', runId: 'run-3' }), aRun({ val_auc: 0.95 }, { runId: 'run-3' }));
    outage.down = true;

    const first = await processEvent(aCreatedEvent({ version: '3' }), deps);
    const kept = await store.getVersion('fraud', '3');
    outage.down = false;
    setClock('2026-11-22T12:00:20.000Z');
    for (const event of await tick(store, '2026-11-22T12:00:20.000Z')) await processEvent(event, deps);

    expect(first).toMatchObject({ phase: 'registered', deferred: 'Error: connect ECONNREFUSED' });
    expect(kept?.intent?.received.map((e) => e.type)).toEqual(['registry']);
    // Validated once (its verdict is the checks' business, not this test's), and announced once.
    const verdicts = store.audit.filter((a) => a.version === '3' && a.kind.startsWith('validation.'));
    expect(verdicts).toHaveLength(1);
    expect((await store.getVersion('fraud', '3'))?.intent).toBeUndefined();
    expect(notifier.published.filter((n) => n.idempotencyKey === 'validation:fraud:3')).toHaveLength(1);
  });

  it('restores the deadline a decision set once its effects are applied', async () => {
    const { store, deps } = await awaitingApproval();

    await processEvent({ ...approval, decision: 'reject' }, deps);

    const stored = await store.getVersion('fraud', '2');
    expect(stored?.phase).toBe('rejected');
    expect(stored?.intent).toBeUndefined();
    expect(stored?.dueAt).toBeUndefined();
  });
});
