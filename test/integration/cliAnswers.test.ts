/**
 * Every decision gets an answer: the real `baton` CLI against the local runtime (real MLflow, the
 * AWS emulator, Baton's worker polling the queue). Each refusal is printed with a non-zero exit
 * code and is in `baton history`; an applied decision prints what was done.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { runBatonCli } from '../support/batonCli';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { eventually } from '../support/registryWaits';

let stack: LocalStack;
let api: ReturnType<typeof mlflowApi>;
let store: DynamoPromotionStore;
let probe: Awaited<ReturnType<typeof notificationProbe>>;
/** A model with nothing running: no version, no champion, no rollout. */
const quiet = uniqueName('ans-quiet');
/** A model whose first version is approved and then rolls out (and pauses: its alarm has no data). */
const rolling = uniqueName('ans-rolling');

beforeAll(async () => {
  stack = await testStack('il-central-1', {
    scheduleSeconds: 1,
    env: { POLICIES_DIR: resolve('test/fixtures/answer-policies') },
  });
  api = mlflowApi(stack.mlflowUrl);
  store = testStore(stack);
  probe = await notificationProbe(stack);
  await api.ensureRegisteredModel(quiet);
  await api.ensureRegisteredModel(rolling);
});
afterAll(async () => {
  await stack?.stop();
});

async function historyOf(model: string): Promise<string[]> {
  const history = await runBatonCli(stack, ['history', model]);
  expect(history.code).toBe(0);
  return history.output.trimEnd().split('\n');
}

describe('the CLI prints the worker’s answer to every decision', () => {
  it.each([
    [
      '`approve` of a version that does not exist',
      ['approve', quiet, '99', '--as', 'U0APPROVER'],
      `refused: ${quiet} v99 is not waiting for approval (it is unknown to Baton)`,
      /v99 {2}decision\.refused {2}by U0APPROVER {2}approve: .* v99 is not waiting for approval \(it is unknown to Baton\)$/,
    ],
    [
      '`rollout pause` with no rollout running',
      ['rollout', 'pause', quiet, '--as', 'U0APPROVER'],
      `refused: ${quiet} has no rollout running`,
      /- {2}control\.refused {2}by U0APPROVER {2}pause: .* has no rollout running$/,
    ],
    [
      '`rollback --to` by a non-approver',
      ['rollback', quiet, '--as', 'U0CAROL', '--to', '1', '--reason', 'errors since 14:03'],
      `refused: U0CAROL is not an approver of ${quiet}, so cannot choose --to`,
      /- {2}control\.refused {2}by U0CAROL {2}rollback: U0CAROL is not an approver of .*, so cannot choose --to$/,
    ],
  ])('refuses %s, exits 1 and records it in history', async (_, args, printed, line) => {
    const answer = await runBatonCli(stack, [...args, '--wait', '60']);

    expect(answer).toEqual({ code: 1, output: `${printed}\n` });
    expect(await historyOf(quiet)).toContainEqual(expect.stringMatching(line));
  });

  it('approves, printing who approved and what follows, then refuses `rollout resume` by a non-approver', async () => {
    const runId = await api.createRun('baton-answers-tests', { val_auc: 0.93 });
    const { version } = await api.createModelVersion(rolling, runId, { description: 'candidate' });
    await probe.find((n) => n.kind === 'approval.requested' && n.model === rolling && n.version === version);

    const approved = await runBatonCli(stack, [
      'approve',
      rolling,
      version,
      '--as',
      'U0APPROVER',
      '--wait',
      '60',
    ]);

    expect(approved).toEqual({
      code: 0,
      output: `approved by U0APPROVER (1 of 1): rolling ${rolling} v${version} out in canary steps\n`,
    });

    // The alarm it watches does not exist: the first step check finds no data and pauses.
    await eventually(
      async () => ((await store.getVersion(rolling, version))?.rollout?.paused ? true : undefined),
      60_000,
      'the rollout paused',
    );
    const resumed = await runBatonCli(stack, [
      'rollout',
      'resume',
      rolling,
      '--as',
      'U0CAROL',
      '--wait',
      '60',
    ]);

    expect(resumed).toEqual({ code: 1, output: `refused: U0CAROL is not an approver of ${rolling}\n` });
    expect(await historyOf(rolling)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `v${version} {2}control\\.refused {2}by U0CAROL {2}resume: U0CAROL is not an approver of ${rolling}$`,
        ),
      ),
    );
    expect((await store.getVersion(rolling, version))?.rollout?.paused).toBeDefined();
  });
});
