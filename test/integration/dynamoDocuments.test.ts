/**
 * The small DynamoDB client on the emulator's real table: the approval links' token ledger and the
 * notifier's delivery ledger (conditional puts, consistent gets, updates, conditional deletes),
 * and the approvals page's read of a version that DynamoPromotionStore wrote with the SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDocuments, dynamoJsonClient } from '../../lib/aws/dynamoDocuments';
import type { VersionState } from '../../lib/domain/state';
import { DeliveryInProgressError } from '../../lib/notify/errors';
import { DynamoDeliveryLedger } from '../../lib/notify/idempotency';
import type { DynamoPromotionStore } from '../../lib/store/dynamoPromotionStore';
import { DynamoVersionReader } from '../../lib/store/dynamoVersionReader';
import { DynamoTokenLedger } from '../../lib/store/tokenLedger';
import { localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { testStack, testStore, uniqueName } from '../support/localStack';

let stack: LocalStack;
let table: string;
let db: DynamoDocuments;
let store: DynamoPromotionStore;

beforeAll(async () => {
  stack = await testStack('af-south-1', { consumers: false, webhook: false });
  table = stack.resources.resolveString({ Ref: 'BatonTable' });
  const signing = { region: stack.aws.region, credentials: localCredentials };
  db = new DynamoDocuments(dynamoJsonClient(signing, { env: { AWS_ENDPOINT_URL: stack.aws.endpoint } }));
  store = testStore(stack);
});
afterAll(async () => {
  await stack?.stop();
});

describe('the approval links’ token ledger', () => {
  it('claims a token once; a second claim finds it used', async () => {
    const ledger = new DynamoTokenLedger(db, table);
    const id = uniqueName('token');

    expect(await ledger.isUsed(id)).toBe(false);
    expect(await ledger.claim(id, 1_795_366_000)).toBe(true);
    expect(await ledger.claim(id, 1_795_366_000)).toBe(false);
    expect(await ledger.isUsed(id)).toBe(true);
  });

  it('gives a released claim back, so the link works again', async () => {
    const ledger = new DynamoTokenLedger(db, table);
    const id = uniqueName('token');
    await ledger.claim(id, 1_795_366_000);

    await ledger.release(id);

    expect(await ledger.isUsed(id)).toBe(false);
    expect(await ledger.claim(id, 1_795_366_000)).toBe(true);
  });

  it('lets exactly one of ten simultaneous clicks claim the token', async () => {
    const ledger = new DynamoTokenLedger(db, table);
    const id = uniqueName('token');

    const claims = await Promise.all(Array.from({ length: 10 }, () => ledger.claim(id, 1_795_366_000)));

    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('stores the claim with a numeric TTL a day after the link expires', async () => {
    const id = uniqueName('token');
    await new DynamoTokenLedger(db, table).claim(id, 1_795_366_000);

    const item = await db.get({ TableName: table, Key: { pk: `TOKEN#${id}`, sk: 'USED' } });

    expect(item).toEqual({ pk: `TOKEN#${id}`, sk: 'USED', expiresAt: 1_795_452_400 });
  });
});

describe('the notifier’s delivery ledger', () => {
  let clock = new Date('2026-11-22T12:00:00Z');
  const ledger = () => new DynamoDeliveryLedger(db, table, { leaseSeconds: 30, now: () => clock });

  it('claims a key, refuses a second claim while the first is live, and skips it once sent', async () => {
    const key = uniqueName('approval');
    const claim = await ledger().claim(key);
    if (claim === 'sent') throw new Error('a new key was already sent');

    await expect(ledger().claim(key)).rejects.toBeInstanceOf(DeliveryInProgressError);
    await ledger().markSent(claim);

    expect(await ledger().claim(key)).toBe('sent');
    const item = await db.get({ TableName: table, Key: { pk: `NOTIFIED#${key}`, sk: 'SLACK' } });
    expect(item).toMatchObject({ status: 'sent', sentAt: clock.toISOString() });
    expect(item).not.toHaveProperty('leaseUntil');
  });

  it('lets a retry claim a key whose post failed and was released; not someone else’s claim', async () => {
    const key = uniqueName('approval');
    const first = await ledger().claim(key);
    if (first === 'sent') throw new Error('a new key was already sent');

    await ledger().release({ key, owner: 'another-invocation' });
    await expect(ledger().claim(key)).rejects.toBeInstanceOf(DeliveryInProgressError);
    await ledger().release(first);

    expect(await ledger().claim(key)).toMatchObject({ key });
  });

  it('lets a retry take over a claim whose lease lapsed (the first invocation crashed)', async () => {
    const key = uniqueName('approval');
    await ledger().claim(key);

    clock = new Date(clock.getTime() + 31_000);

    expect(await ledger().claim(key)).toMatchObject({ key });
  });
});

describe('the approvals page’s read of a version', () => {
  it('reads the state DynamoPromotionStore wrote, nested checks and approvals included', async () => {
    const model = uniqueName('fraud');
    const state: VersionState = {
      model,
      version: '7',
      phase: 'awaiting_approval',
      revision: 1,
      checks: [{ id: 'auc', passed: true, reason: 'auc 0.91 ≥ 0.9' }],
      approvals: [{ by: 'alice@example.com', at: '2026-11-22T12:00:00.000Z', via: 'slack' }],
      registeredBy: 'bob@example.com',
      expiresAt: '2026-11-23T12:00:00.000Z',
      dueAt: 1_795_435_200_000,
      updatedAt: '2026-11-22T12:00:00.000Z',
    };
    await store.saveVersion(state, 0, []);

    const reader = new DynamoVersionReader(db, table);

    expect(await reader.getVersion(model, '7')).toEqual(await store.getVersion(model, '7'));
    expect(await reader.getVersion(model, '7')).toEqual(state);
    expect(await reader.getVersion(model, '8')).toBeNull();
  });
});
