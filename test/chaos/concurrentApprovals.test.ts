/**
 * Fault injection: many versions of one model approved at once — here by a policy that needs no
 * approval, so validation itself starts the rollout — with every event processed concurrently,
 * as if several workers ignored the FIFO group (the worst case). The rollout lease must let
 * exactly one version onto the endpoint; every other one waits, at once or after a redelivery.
 * Run on the real MLflow server and the emulator's table and SageMaker endpoint, with the
 * worker's use case in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Policy, policySchema } from '../../lib/domain/policy';
import { processEvent } from '../../lib/promotion/processEvent';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { type InProcessWorker, inProcessWorker } from '../support/inProcessWorker';
import { testStack, uniqueName } from '../support/localStack';
import { validationTally } from '../support/validationTally';

let stack: LocalStack;
let worker: InProcessWorker;
const model = uniqueName('roll-rush');
const endpoint = uniqueName('rush-prod');
const policy: Policy = policySchema.parse({
  model,
  checks: { runStatus: ['FINISHED'], metrics: [{ name: 'val_auc', min: 0.8 }] },
  approval: { required: false },
  rollout: {
    endpoint: {
      kind: 'sagemaker',
      name: endpoint,
      image: '000000000000.dkr.ecr.eu-west-1.amazonaws.com/rush:1',
      executionRoleArn: 'arn:aws:iam::000000000000:role/rush-sagemaker',
      instanceType: 'ml.m5.large',
    },
    steps: [10, 50, 100],
    bakeTime: '30m',
    deadline: '1d',
  },
});

beforeAll(async () => {
  // No consumers and no webhook: the test is every worker at once.
  stack = await testStack('eu-west-1', { consumers: false, webhook: false });
  worker = inProcessWorker(stack, [policy]);
});
afterAll(async () => {
  await stack?.stop();
});

/** Settles every event; returns, per version, the error's name or null when it went through. */
async function deliverAll(versions: string[]): Promise<Map<string, string | null>> {
  const settled = await Promise.allSettled(
    versions.map((v) => processEvent(worker.created(model, v), worker.deps)),
  );
  return new Map(
    versions.map((v, i) => {
      const result = settled[i]!;
      return [v, result.status === 'fulfilled' ? null : (result.reason as Error).name];
    }),
  );
}

describe('many approvals for different versions of one model at once', () => {
  it('start one rollout: one version takes traffic, every other waits for its lease', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    await api.ensureRegisteredModel(model);
    const runId = await api.createRun('baton-chaos-rush', { val_auc: 0.93 });
    // The champion: the model's first version, rolled out alone and promoted.
    const champion = (await api.createModelVersion(model, runId, { description: 'champion' })).version;
    await processEvent(worker.created(model, champion), worker.deps);
    await processEvent(await worker.dueNow(model, champion), worker.deps);
    const versions: string[] = [];
    for (let i = 0; i < 6; i++) {
      versions.push((await api.createModelVersion(model, runId, { description: 'rush' })).version);
    }

    // Every created event at once, then SQS's redeliveries of the failed ones, until none fails.
    const firstTry = await deliverAll(versions);
    let failed = versions.filter((v) => firstTry.get(v) !== null);
    let redeliveries = 0;
    for (let round = 0; failed.length > 0 && round < 5; round++) {
      redeliveries += failed.length;
      const retried = await deliverAll(failed);
      failed = failed.filter((v) => retried.get(v) !== null);
    }

    const states = await Promise.all(versions.map((v) => worker.deps.store.getVersion(model, v)));
    const holder = await worker.deps.ledger.leaseHolder(model);
    const rolling = states.filter((s) => s?.rollout && s.rollout.step >= 0 && !s.rollout.waitingFor);
    const waiting = states.filter((s) => s?.rollout?.waitingFor !== undefined);
    const live = await worker.liveWeights(endpoint);
    const audit = await worker.deps.store.listAudit(model);
    const started = audit.filter((a) => a.kind === 'rollout.started' && versions.includes(a.version!));
    const withTraffic = Object.entries(live).filter(([v, w]) => v !== champion && w > 0);
    const firstErrors = [...firstTry.values()].filter((e) => e !== null);
    const { lost, duplicated } = await validationTally(
      worker.deps.store,
      versions.map((version) => ({ model, version })),
    );
    console.log(
      `chaos: ${versions.length} versions of one model validated at once, no approval needed — events sent ${versions.length + redeliveries} (${redeliveries} redelivered), first-try failures ${firstErrors.length} (${[...new Set(firstErrors)].join(', ') || 'none'}), rollouts started ${started.length}, versions with traffic ${withTraffic.length}, waiting ${waiting.length}, lost ${lost}, duplicated ${duplicated}`,
    );

    // One rollout: the lease holder, at step 1 on the endpoint beside the champion.
    expect(started.map((a) => a.version)).toEqual([holder]);
    expect(rolling.map((s) => s!.version)).toEqual([holder]);
    expect(rolling[0]).toMatchObject({ phase: 'rolling_out', rollout: { step: 0, champion } });
    expect(live).toEqual({ [champion]: 90, [holder!]: 10 });
    // Every other version waits for it, having failed on the lease or a stale read at most.
    expect(waiting.map((s) => s!.version).sort()).toEqual(versions.filter((v) => v !== holder).sort());
    expect(waiting.every((s) => s!.phase === 'rolling_out' && s!.rollout!.waitingFor === holder)).toBe(true);
    expect(firstErrors.filter((e) => e !== 'LeaseBusyError' && e !== 'StaleStateError')).toEqual([]);
    expect(failed).toEqual([]);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  });
});
