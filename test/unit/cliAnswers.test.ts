/**
 * `baton approve|reject|rollout|rollback` wait for the worker's answer and print it. Here the queue
 * hands each event to the real processEvent (with in-memory registry, store and ledger) after a
 * few polls, as a worker would; the clock is fake, so waits take no time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rollbackCommand, rolloutCommand } from '../../cli/controls';
import { decisionCommand } from '../../cli/decisions';
import { historyCommand } from '../../cli/history';
import { main } from '../../cli/main';
import type { Clock } from '../../cli/outcome';
import type { PromotionEvent } from '../../events/promotionEvent';
import { processEvent } from '../../lib/app/processEvent';
import type { ModelLedger } from '../../lib/domain/ports';
import type { VersionState } from '../../lib/domain/state';
import { aPolicy, aVersion } from '../support/builders';
import { captureOutput } from '../support/captureOutput';
import { MemoryNotifier, MemoryRegistry, MemoryStore, withNullDeps } from '../support/fakes';

const now = new Date('2026-11-22T12:00:00.000Z');
const policy = aPolicy({
  approval: {
    required: true,
    approvers: ['bob@example.com', 'ana@example.com'],
    minApprovals: 2,
    expiresAfter: '72h',
  },
});
const waiting: VersionState = {
  model: 'fraud',
  version: '2',
  phase: 'awaiting_approval',
  revision: 1,
  updatedAt: now.toISOString(),
  approvals: [],
  expiresAt: '2026-11-25T12:00:00.000Z',
};

/** A worker behind the queue that gets to each event on the `answerOnPoll`-th look at the audit. */
function stack(answerOnPoll = 3) {
  const registry = new MemoryRegistry();
  const store = new MemoryStore();
  registry.add(aVersion({ version: '2' }));
  registry.aliases.set('fraud/challenger', '2');
  store.states.set('fraud/2', waiting);
  const ledger = {
    leaseHolder: async () => null,
    appendAudit: async (entry) => void store.audit.push(entry),
  } as Partial<ModelLedger> as ModelLedger;
  const deps = withNullDeps({
    registry,
    store,
    ledger,
    notifier: new MemoryNotifier(),
    policyFor: () => policy,
    now: () => now,
  });
  const queued: PromotionEvent[] = [];
  let polls = 0;
  const sleeps: number[] = [];
  let t = 0;
  const clock: Clock = {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
  const context = () => ({
    queue: { enqueue: async (event: PromotionEvent) => void queued.push(event) },
    clock,
    store: {
      listAudit: async (model: string) => {
        if (++polls === answerOnPoll) for (const event of queued.splice(0)) await processEvent(event, deps);
        return store.listAudit(model);
      },
      getVersion: (model: string, version: string) => store.getVersion(model, version),
    },
  });
  return { context, queued, sleeps, store, polls: () => polls };
}

afterEach(() => vi.restoreAllMocks());

describe('a decision from the command line gets an answer', () => {
  it.each<[string, (s: ReturnType<typeof stack>) => Promise<number>, number, string]>([
    [
      'an approval short of the quorum',
      (s) => decisionCommand('approve', s.context)(['fraud', '2', '--as', 'bob@example.com']),
      0,
      'approved by bob@example.com (1 of 2)\n',
    ],
    [
      'a rejection',
      (s) => decisionCommand('reject', s.context)(['fraud', '2', '--as', 'ana@example.com']),
      0,
      'rejected by ana@example.com: fraud v2 will not be promoted\n',
    ],
    [
      'an approval by a non-approver',
      (s) => decisionCommand('approve', s.context)(['fraud', '2', '--as', 'carol@example.com']),
      1,
      'refused: carol@example.com is not an approver of fraud\n',
    ],
    [
      'an approval of a version that does not exist',
      (s) => decisionCommand('approve', s.context)(['fraud', '99', '--as', 'bob@example.com']),
      1,
      'refused: fraud v99 is not waiting for approval (it is unknown to Baton)\n',
    ],
    [
      'a pause with no rollout running',
      (s) => rolloutCommand(['pause', 'fraud', '--as', 'bob@example.com'], s.context),
      1,
      'refused: fraud has no rollout running\n',
    ],
    [
      'a rollback --to by a non-approver',
      (s) =>
        rollbackCommand(['fraud', '--as', 'carol@example.com', '--to', '1', '--reason', 'bad'], s.context),
      1,
      'refused: carol@example.com is not an approver of fraud, so cannot choose --to\n',
    ],
    [
      'a rollback with no champion',
      (s) => rollbackCommand(['fraud', '--as', 'bob@example.com', '--reason', 'bad'], s.context),
      1,
      'refused: fraud has no promoted champion to roll back\n',
    ],
  ])('prints the answer to %s, with its exit code', async (_, run, code, printed) => {
    const s = stack();
    const output = captureOutput();

    const exit = await run(s);

    expect(output()).toBe(printed);
    expect(exit).toBe(code);
  });

  it('queues the event under a fresh cli:<uuid> delivery id', async () => {
    const s = stack(Number.POSITIVE_INFINITY);
    captureOutput();

    await decisionCommand('approve', s.context)(['fraud', '2', '--as', 'bob@example.com', '--no-wait']);

    expect(s.queued).toEqual([
      expect.objectContaining({
        type: 'decision',
        via: 'cli',
        deliveryId: expect.stringMatching(/^cli:[0-9a-f-]{36}$/),
      }),
    ]);
  });

  it('waits with a growing backoff, never longer than the wait', async () => {
    const s = stack(Number.POSITIVE_INFINITY);
    captureOutput();

    await decisionCommand('approve', s.context)(['fraud', '2', '--as', 'bob@example.com', '--wait', '5']);

    expect(s.sleeps).toEqual([100, 200, 400, 800, 1600, 1900]);
  });

  it('says the decision is still queued when no answer comes within the wait, and exits 3', async () => {
    const s = stack(Number.POSITIVE_INFINITY);
    const output = captureOutput();

    const exit = await decisionCommand(
      'approve',
      s.context,
    )(['fraud', '2', '--as', 'bob@example.com', '--wait', '5']);

    expect(exit).toBe(3);
    expect(output()).toMatch(
      /^Queued: bob@example.com approves fraud v2\. No answer within 5 s: it is still queued \(delivery cli:[0-9a-f-]{36}\); see `baton history fraud`\.\n$/,
    );
  });

  it('returns at once with --no-wait, without looking for the answer', async () => {
    const s = stack();
    const output = captureOutput();

    const exit = await rolloutCommand(['pause', 'fraud', '--as', 'bob@example.com', '--no-wait'], s.context);

    expect([exit, s.polls()]).toEqual([0, 0]);
    expect(output()).toBe(
      'Queued: bob@example.com asks to pause the rollout of fraud. See `baton history fraud` for the outcome.\n',
    );
  });

  it('prints the answer as JSON with --json', async () => {
    const s = stack();
    const output = captureOutput();

    await rolloutCommand(['resume', 'fraud', '--as', 'carol@example.com', '--json'], s.context);

    expect(JSON.parse(output())).toEqual({
      deliveryId: s.store.audit[0]?.evidence.deliveryId,
      outcome: 'refused',
      message: 'fraud has no rollout running',
    });
  });

  it.each([
    ['--wait that is not a number', ['approve', 'fraud', '2', '--as', 'bob', '--wait', 'soon']],
    ['--wait with --no-wait', ['rollout', 'pause', 'fraud', '--as', 'bob', '--wait', '3', '--no-wait']],
  ])('exits 2 on %s, queueing nothing', async (_, argv) => {
    const output = captureOutput();

    const exit = await main(argv);

    expect(exit).toBe(2);
    expect(output()).toMatch(/--wait/);
  });

  it('shows the refusal in baton history with what was asked and why', async () => {
    const s = stack();
    captureOutput();
    await rolloutCommand(['resume', 'fraud', '--as', 'carol@example.com'], s.context);
    const output = captureOutput();

    await historyCommand(['fraud'], s.context);

    expect(output()).toBe(
      '2026-11-22T12:00:00.000Z  -  control.refused  by carol@example.com  resume: fraud has no rollout running\n',
    );
  });
});
