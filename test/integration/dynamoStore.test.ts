/**
 * The worker's and the tick's table and topic on the small signed clients, against moto: the
 * promotion store's revision-guarded transaction (state and audit entries together), its paged
 * reads, its batched reads and the DueIndex; the model ledger's rollout lease; and a notification
 * published on the topic, as a raw-delivery queue subscriber receives it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import { SnsNotifier } from '../../lib/adapters/notify/snsNotifier';
import { DynamoModelLedger } from '../../lib/adapters/store/dynamoModelLedger';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { LeaseBusyError, StaleStateError } from '../../lib/adapters/store/errors';
import type { AuditEntry, VersionState } from '../../lib/domain/state';
import { localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testSns } from '../support/awsCalls';
import { testDocuments, testStack, testStore, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';

let stack: LocalStack;
let store: DynamoPromotionStore;
/** The same table read two items a page, so every listing crosses pages. */
let pagedStore: DynamoPromotionStore;
let ledger: DynamoModelLedger;

beforeAll(async () => {
  stack = await testStack('ap-east-2', { consumers: false, webhook: false });
  store = testStore(stack);
  pagedStore = testStore(stack, { pageSize: 2 });
  ledger = new DynamoModelLedger(testDocuments(stack), stack.resources.resolveString({ Ref: 'BatonTable' }));
});
afterAll(async () => {
  await stack?.stop();
});

const state = (model: string, version: string, revision: number, extra: Partial<VersionState> = {}) =>
  ({
    model,
    version,
    phase: 'registered',
    revision,
    updatedAt: '2026-01-02T03:04:05.000Z',
    ...extra,
  }) as VersionState;

const audit = (model: string, version: string, kind: string, at = new Date().toISOString()): AuditEntry => ({
  at,
  model,
  version,
  kind,
  actor: 'baton',
  cause: `test:${kind}`,
  evidence: { note: kind },
});

describe('saving a version', () => {
  it('creates a version once; a second create of the same version is stale', async () => {
    const model = uniqueName('store-create');
    await store.saveVersion(state(model, '1', 1), 0, []);

    const duplicate = store.saveVersion(state(model, '1', 1, { phase: 'rejected' }), 0, []);

    await expect(duplicate).rejects.toBeInstanceOf(StaleStateError);
    expect((await store.getVersion(model, '1'))?.phase).toBe('registered');
  });

  it('writes over the revision it read, and refuses a write over a revision it did not', async () => {
    const model = uniqueName('store-revision');
    await store.saveVersion(state(model, '3', 1), 0, []);
    await store.saveVersion(state(model, '3', 2, { phase: 'awaiting_approval' }), 1, []);

    const stale = store.saveVersion(state(model, '3', 2, { phase: 'rejected' }), 1, []);

    await expect(stale).rejects.toBeInstanceOf(StaleStateError);
    expect(await store.getVersion(model, '3')).toMatchObject({ phase: 'awaiting_approval', revision: 2 });
  });

  it('stores the audit entries with the state, and none of them when the state is stale', async () => {
    const model = uniqueName('store-audit');
    const at = '2026-01-02T03:04:05.000Z';
    await store.saveVersion(state(model, '1', 1), 0, [
      audit(model, '1', 'validation.started', at),
      audit(model, '1', 'validation.passed', at),
    ]);

    await expect(
      store.saveVersion(state(model, '1', 2), 0, [audit(model, '1', 'lost.write', at)]),
    ).rejects.toBeInstanceOf(StaleStateError);

    expect((await store.listAudit(model)).map((e) => e.kind)).toEqual([
      'validation.started',
      'validation.passed',
    ]);
  });

  it('keeps nested fields and drops unset ones, as the DocumentClient did', async () => {
    const model = uniqueName('store-nested');
    const next = state(model, '2', 1, {
      checks: [{ id: 'auc', passed: true, reason: 'val_auc 0.91 ≥ 0.9' }],
      approvals: [{ by: 'alice@example.com', at: '2026-01-02T03:04:05.000Z', via: 'slack' }],
      comparedWith: undefined,
    });

    await store.saveVersion(next, 0, []);

    const { comparedWith: _unset, ...expected } = next;
    expect(await store.getVersion(model, '2')).toEqual(expected);
  });
});

describe('reading many records', () => {
  it('lists every version and audit entry across pages, in key order', async () => {
    const model = uniqueName('store-pages');
    for (const version of ['1', '2', '10', '11', '100']) {
      await store.saveVersion(state(model, version, 1), 0, [
        audit(model, version, 'registered', `2026-01-0${version.length}T00:00:00.000Z`),
      ]);
    }

    const versions = await pagedStore.listVersions(model);
    const entries = await pagedStore.listAudit(model);

    expect(versions.map((v) => v.version)).toEqual(['1', '2', '10', '11', '100']);
    expect(entries).toHaveLength(5);
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort());
  });

  it('tells which of 230 versions it knows, across batches of 100', async () => {
    const model = uniqueName('store-known');
    const stored = Array.from({ length: 105 }, (_, i) => String(2 * i + 1));
    for (let i = 0; i < stored.length; i += 15) {
      await Promise.all(stored.slice(i, i + 15).map((v) => store.saveVersion(state(model, v, 1), 0, [])));
    }
    const asked = Array.from({ length: 230 }, (_, i) => String(i + 1));

    const known = await store.knownVersions(model, asked);

    expect([...known].sort((a, b) => Number(a) - Number(b))).toEqual(stored);
  });

  it('finds the versions whose deadline has passed through the DueIndex, and only those', async () => {
    const model = uniqueName('store-due');
    const now = Date.parse('2026-03-01T12:00:00.000Z');
    await store.saveVersion(state(model, '1', 1, { dueAt: now - 60_000 }), 0, []);
    await store.saveVersion(state(model, '2', 1, { dueAt: now }), 0, []);
    await store.saveVersion(state(model, '3', 1, { dueAt: now + 60_000 }), 0, []);
    await store.saveVersion(state(model, '4', 1), 0, []);

    const due = (await store.dueVersions(now)).filter((d) => d.model === model);

    expect(due).toEqual([
      { model, version: '1', dueAt: now - 60_000 },
      { model, version: '2', dueAt: now },
    ]);
  });
});

describe('the rollout lease', () => {
  it('is held by one version: another is told it is busy, and only the holder releases it', async () => {
    const model = uniqueName('lease');
    const at = new Date().toISOString();
    await ledger.takeLease(model, '7', at);
    await ledger.takeLease(model, '7', at);

    await expect(ledger.takeLease(model, '8', at)).rejects.toBeInstanceOf(LeaseBusyError);
    await ledger.releaseLease(model, '8');
    expect(await ledger.leaseHolder(model)).toBe('7');

    await ledger.releaseLease(model, '7');
    expect(await ledger.leaseHolder(model)).toBeNull();
    await ledger.takeLease(model, '8', at);
    expect(await ledger.leaseHolder(model)).toBe('8');
  });

  it('lists every held lease as the canaries live now, and a released one no more', async () => {
    const [fraud, churn] = [uniqueName('live-fraud'), uniqueName('live-churn')];
    const at = new Date().toISOString();
    await ledger.takeLease(fraud, '4', at);
    await ledger.takeLease(churn, '9', at);
    await ledger.releaseLease(churn, '9');

    const live = (await ledger.liveRollouts()).filter((r) => [fraud, churn].includes(r.model));
    expect(live).toEqual([{ model: fraud, version: '4' }]);
  });
});

describe('publishing a notification', () => {
  it('reaches a raw-delivery queue subscriber as the notification’s JSON', async () => {
    const probe = await notificationProbe(stack);
    const notifier = new SnsNotifier(
      testSns({
        region: stack.aws.region,
        credentials: localCredentials,
        env: { AWS_ENDPOINT_URL: stack.aws.endpoint },
      }),
      stack.resources.resolveString({ Ref: 'NotificationsTopic' }),
    );
    const model = uniqueName('sns & <xml>');
    const notification: Notification = {
      kind: 'rollout.paused',
      model,
      version: '7',
      idempotencyKey: `rollout:${model}:7`,
      endpoint: 'fraud-prod',
      reason: 'p99 latency above 250 ms — “quoted” & <escaped>',
      by: 'baton',
      weights: { '6': 90, '7': 10 },
    };

    await notifier.publish(notification);

    expect(await probe.find((n) => n.model === model)).toEqual(notification);
  });
});
