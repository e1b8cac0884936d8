import { afterEach, describe, expect, it, vi } from 'vitest';
import { dlqCommand } from '../../cli/dlq';
import type {
  DeadLetterMessage,
  DeadLetterQueue,
  DeadLetterQueues,
  RedriveResult,
} from '../../lib/domain/deadLetterPorts';
import { captureOutput } from '../support/captureOutput';
import { MemoryStore } from '../support/fakes';

const promotionDlq: DeadLetterQueue = {
  name: 'baton-prod-promotion-dlq.fifo',
  url: 'https://sqs/promotion-dlq',
  arn: 'arn:dlq',
  fifo: true,
  depth: 1,
  inFlight: 0,
  source: {
    name: 'baton-prod-promotion.fifo',
    url: 'https://sqs/promotion',
    arn: 'arn:src',
    maxReceiveCount: 8,
  },
};
const message: DeadLetterMessage = {
  messageId: 'm-1',
  body: JSON.stringify({ type: 'registry', kind: 'model_version.created', model: 'fraud', version: '3' }),
  receiveCount: 8,
  firstReceivedAt: '2026-11-22T12:00:00.000Z',
  sentAt: '2026-11-22T12:00:00.000Z',
  groupId: 'fraud',
};

/** DLQs in memory: one promotion DLQ holding `message`, redriven with `result`. */
function deadLetters(result: RedriveResult): DeadLetterQueues {
  return {
    queues: async () => [promotionDlq],
    peek: async () => [message],
    redrive: async () => result,
  };
}

async function storeWithFailure(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.recordFailure({
    at: '2026-11-22T12:09:00.000Z',
    model: 'fraud',
    version: '3',
    event: 'model_version.created:fraud:3',
    messageId: 'm-1',
    receiveCount: 8,
    error: 'RegistryUnavailableError: connect ECONNREFUSED',
  });
  return store;
}

afterEach(() => vi.restoreAllMocks());

describe('baton dlq list', () => {
  it('prints each DLQ with its depth and source, and each message with what it is and why it is there', async () => {
    const store = await storeWithFailure();
    const output = captureOutput();

    const code = await dlqCommand(['list'], () => ({
      deadLetters: deadLetters({ method: 'move', moved: 0 }),
      store,
    }));

    expect(code).toBe(0);
    expect(output().split('\n')).toEqual([
      'baton-prod-promotion-dlq.fifo: 1 message(s); redrive → baton-prod-promotion.fifo',
      '  fraud v3 model_version.created  receives 8, first 2026-11-22T12:00:00.000Z, last failed 2026-11-22T12:09:00.000Z',
      '    why: RegistryUnavailableError: connect ECONNREFUSED',
      '',
    ]);
  });
});

describe('baton dlq redrive', () => {
  it.each([
    [
      'moved here',
      { method: 'move', moved: 1 } as RedriveResult,
      0,
      'baton-prod-promotion-dlq.fifo → baton-prod-promotion.fifo: moved 1 message(s)\n',
    ],
    [
      'moved by an SQS move task',
      { method: 'move-task', moved: 1, taskHandle: 't-1' } as RedriveResult,
      0,
      'baton-prod-promotion-dlq.fifo → baton-prod-promotion.fifo: SQS move task started for 1 message(s) (task t-1)\n',
    ],
    [
      'stopped early',
      { method: 'move', moved: 0, stoppedBy: 'AccessDenied: not allowed' } as RedriveResult,
      1,
      'baton-prod-promotion-dlq.fifo → baton-prod-promotion.fifo: moved 0 message(s)\n  stopped early: AccessDenied: not allowed; the rest stays in baton-prod-promotion-dlq.fifo\n',
    ],
  ])('prints what was %s and exits %i', async (_, result, expectedCode, expectedText) => {
    const store = new MemoryStore();
    const output = captureOutput();

    const code = await dlqCommand(['redrive', '--queue', 'promotion'], () => ({
      deadLetters: deadLetters(result),
      store,
    }));

    expect({ code, text: output() }).toEqual({ code: expectedCode, text: expectedText });
  });

  it('names the known queues when --queue names none, and exits 2', async () => {
    const output = captureOutput();

    const code = await dlqCommand(['redrive', '--queue', 'retrain'], () => ({
      deadLetters: deadLetters({ method: 'move', moved: 0 }),
      store: new MemoryStore(),
    }));

    expect({ code, text: output() }).toEqual({
      code: 2,
      text: 'baton dlq: no dead-letter queue named retrain; there are: baton-prod-promotion-dlq.fifo\n',
    });
  });

  it('refuses a --max that is not a whole number, and exits 2', async () => {
    const output = captureOutput();

    const code = await dlqCommand(['redrive', '--max', '0'], () => ({
      deadLetters: deadLetters({ method: 'move', moved: 0 }),
      store: new MemoryStore(),
    }));

    expect({ code, text: output() }).toEqual({
      code: 2,
      text: 'baton dlq: --max must be a whole number ≥ 1, e.g. --max 10\n',
    });
  });
});
