/**
 * Every decision gets an answer: the real `baton` CLI against the local runtime (real MLflow, the
 * AWS emulator, Baton's worker polling the queue). Each refusal is printed with a non-zero exit
 * code and is in `baton history`; an applied decision prints what was done.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
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

function baton(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/baton.mjs', ...args], {
      env: {
        ...process.env,
        TABLE_NAME: stack.resources.resolveString({ Ref: 'BatonTable' }),
        MLFLOW_TRACKING_URI: stack.mlflowUrl,
        PROMOTION_QUEUE_URL: stack.resources.resolveString({ Ref: 'PromotionQueue' }),
        AWS_ENDPOINT_URL: stack.aws.endpoint,
        AWS_REGION: stack.aws.region,
        AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => done({ code: code ?? -1, output }));
  });
}

async function historyOf(model: string): Promise<string[]> {
  const history = await baton('history', model);
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
    const answer = await baton(...args, '--wait', '60');

    expect(answer).toEqual({ code: 1, output: `${printed}\n` });
    expect(await historyOf(quiet)).toContainEqual(expect.stringMatching(line));
  });

  it('approves, printing who approved and what follows, then refuses `rollout resume` by a non-approver', async () => {
    const runId = await api.createRun('baton-answers-tests', { val_auc: 0.93 });
    const { version } = await api.createModelVersion(rolling, runId, { description: 'candidate' });
    await probe.find((n) => n.kind === 'approval.requested' && n.model === rolling && n.version === version);

    const approved = await baton('approve', rolling, version, '--as', 'U0APPROVER', '--wait', '60');

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
    const resumed = await baton('rollout', 'resume', rolling, '--as', 'U0CAROL', '--wait', '60');

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
