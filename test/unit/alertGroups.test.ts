/**
 * FIFO groups on the promotion queue: each unrouted alert has a group of its own (source and
 * fingerprint), so one stuck alert never holds back another; the same alert redelivered keeps its
 * group and its dedup id; routed alerts and registry events stay in their model's group.
 */
import { describe, expect, it } from 'vitest';
import { type MonitoringAlert, unroutedAlertEvent } from '../../events/promotionEvent';
import { sendMessageInput } from '../../lib/adapters/queue/fifoMessage';

const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/baton-promotions.fifo';

const alert = (overrides: Partial<MonitoringAlert> = {}): MonitoringAlert => ({
  source: 'alertmanager',
  name: 'FeatureDrift',
  state: 'firing',
  labels: { alertname: 'FeatureDrift', model: 'fraud' },
  fingerprint: 'a1b2c3d4e5f6',
  at: '2026-11-22T12:00:00.000Z',
  ...overrides,
});

const message = (a: MonitoringAlert, receivedAt = '2026-11-22T12:00:01.000Z') =>
  sendMessageInput(queueUrl, unroutedAlertEvent(a, receivedAt));

describe('FIFO groups of unrouted alerts', () => {
  it.each([
    ['another fingerprint', alert({ fingerprint: 'ffff0000' })],
    ['another source with the same fingerprint', alert({ source: 'grafana' })],
  ])('puts an alert with %s in a group of its own', (_, other) => {
    const first = message(alert());

    const second = message(other);

    expect(first.MessageGroupId).toBe('baton.alerts:alertmanager:a1b2c3d4e5f6');
    expect(second.MessageGroupId).not.toBe(first.MessageGroupId);
  });

  it('gives the same alert redelivered the same group and dedup id', () => {
    const first = message(alert(), '2026-11-22T12:00:01.000Z');

    const redelivered = message(alert(), '2026-11-22T12:00:31.000Z');

    expect([redelivered.MessageGroupId, redelivered.MessageDeduplicationId]).toEqual([
      first.MessageGroupId,
      first.MessageDeduplicationId,
    ]);
  });

  it('keeps an alert’s firing and resolving in one group, with different dedup ids', () => {
    const firing = message(alert());

    const resolved = message(alert({ state: 'resolved', at: '2026-11-22T12:05:00.000Z' }));

    expect(resolved.MessageGroupId).toBe(firing.MessageGroupId);
    expect(resolved.MessageDeduplicationId).not.toBe(firing.MessageDeduplicationId);
  });

  it('hashes a fingerprint that would not fit a FIFO group id into one that does', () => {
    const long = message(alert({ fingerprint: 'é'.repeat(150) }));

    expect(long.MessageGroupId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a routed alert in its model’s group', () => {
    const routed = {
      ...unroutedAlertEvent(alert(), 'now'),
      model: 'fraud',
      route: { action: 'rollback' as const, rule: 0 },
    };

    expect(sendMessageInput(queueUrl, routed).MessageGroupId).toBe('fraud');
  });
});
