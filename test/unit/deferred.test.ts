/**
 * Ports whose adapter is loaded on first use (lib/wiring/deferred.ts): loaded once, a failed load
 * tried again on the next call, every call forwarded with its arguments and its answer.
 */
import { describe, expect, it } from 'vitest';
import type { LinkChannel } from '../../lib/adapters/notify/approvalLinkDelivery';
import type { ApprovalLinkMessage } from '../../lib/adapters/notify/approvalLinkMessage';
import type { Notification } from '../../lib/domain/effects';
import type { AlarmReader } from '../../lib/domain/monitoringPorts';
import type { ServingEndpoint } from '../../lib/domain/servingPorts';
import {
  DeferredAlarmReader,
  DeferredCanaryMetrics,
  DeferredLinkChannel,
  DeferredNotifier,
  DeferredServingEndpoint,
  onFirstUse,
} from '../../lib/wiring/deferred';

describe('onFirstUse', () => {
  it('loads once, however many calls wait for it', async () => {
    let loads = 0;
    const adapter = onFirstUse(async () => ({ n: ++loads }));

    const answers = await Promise.all([adapter(), adapter(), adapter()]);
    await adapter();

    expect(loads).toBe(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('tries again after a failed load instead of keeping the failure', async () => {
    let loads = 0;
    const adapter = onFirstUse(async () => {
      loads++;
      if (loads === 1) throw new Error('chunk not readable');
      return 'loaded';
    });

    await expect(adapter()).rejects.toThrow('chunk not readable');
    await expect(adapter()).resolves.toBe('loaded');
    await expect(adapter()).resolves.toBe('loaded');
    expect(loads).toBe(2);
  });

  it('loads nothing until the first call', () => {
    let loads = 0;
    onFirstUse(async () => ++loads);
    expect(loads).toBe(0);
  });
});

describe('deferred ports', () => {
  const traffic = { exists: true, ready: true, variants: [{ version: '3', weight: 100 }] };

  it('forward every serving call with its arguments, and keep the kind without loading', async () => {
    const calls: unknown[][] = [];
    const recorded =
      (name: string) =>
      async (...args: unknown[]) => {
        calls.push([name, ...args]);
        return traffic;
      };
    const real = {
      kind: 'sagemaker',
      describe: recorded('describe'),
      prepare: recorded('prepare'),
      setWeights: recorded('setWeights'),
      finalise: recorded('finalise'),
    } as unknown as ServingEndpoint;
    let loads = 0;
    const serving = new DeferredServingEndpoint(
      'sagemaker',
      onFirstUse(async () => {
        loads++;
        return real;
      }),
    );

    expect(serving.kind).toBe('sagemaker');
    expect(loads).toBe(0);
    const served = { version: '3', artefact: { kind: 'sagemaker', tags: {} } } as never;
    expect(await serving.describe('fraud-prod')).toBe(traffic);
    expect(await serving.prepare('fraud-prod', [served])).toBe(traffic);
    expect(await serving.setWeights('fraud-prod', { '3': 100 })).toBe(traffic);
    expect(await serving.finalise('fraud-prod', served)).toBe(traffic);

    expect(loads).toBe(1);
    expect(calls).toEqual([
      ['describe', 'fraud-prod'],
      ['prepare', 'fraud-prod', [served]],
      ['setWeights', 'fraud-prod', { '3': 100 }],
      ['finalise', 'fraud-prod', served],
    ]);
  });

  it('forward alarm reads and canary metric reads', async () => {
    const states = [{ name: 'fraud-5xx', state: 'ALARM' as const }];
    const alarms = new DeferredAlarmReader(async () => ({ states: async () => states }) as AlarmReader);
    const metrics = { source: 'cloudwatch', series: {} };
    const request = { kind: 'sagemaker' } as never;
    let asked: unknown;
    const canary = new DeferredCanaryMetrics(async () => ({
      read: async (r: unknown) => {
        asked = r;
        return metrics;
      },
    }));

    expect(await alarms.states(['fraud-5xx'])).toBe(states);
    expect(await canary.read(request)).toBe(metrics);
    expect(asked).toBe(request);
  });

  it('answer who a link channel reaches without loading its sender', async () => {
    const sent: Array<[string, ApprovalLinkMessage]> = [];
    let loads = 0;
    const channel = new DeferredLinkChannel(
      'email',
      (person) => person.email,
      onFirstUse(async () => {
        loads++;
        return { send: async (a: string, m: ApprovalLinkMessage) => void sent.push([a, m]) } as LinkChannel;
      }),
    );

    expect(channel.name).toBe('email');
    expect(channel.addressOf({ id: 'ana', email: 'ana@example.com' } as never)).toBe('ana@example.com');
    expect(loads).toBe(0);
    const message = { model: 'fraud' } as unknown as ApprovalLinkMessage;
    await channel.send('ana@example.com', message);
    expect(loads).toBe(1);
    expect(sent).toEqual([['ana@example.com', message]]);
  });

  it('publish a notification through the notifier loaded with the first one, and only then', async () => {
    const published: Notification[] = [];
    let loads = 0;
    const notifier = new DeferredNotifier(
      onFirstUse(async () => {
        loads++;
        return { publish: async (n: Notification) => void published.push(n) };
      }),
    );
    const first = { kind: 'validation.passed', model: 'fraud', version: '3' } as Notification;
    const second = { kind: 'promotion.completed', model: 'fraud', version: '3' } as Notification;

    expect(loads).toBe(0);
    await notifier.publish(first);
    await notifier.publish(second);

    expect(loads).toBe(1);
    expect(published).toEqual([first, second]);
  });
});
