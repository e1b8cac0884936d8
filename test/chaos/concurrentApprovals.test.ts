/**
 * Fault injection: many versions of one model approved at once — here by a policy that needs no
 * approval, so validation itself starts the rollout — with every event processed concurrently,
 * as if several workers ignored the FIFO group (the worst case). The rollout lease must let
 * exactly one version onto the endpoint; every other one waits, at once or after a redelivery.
 * Run on the real MLflow server and the emulator's table and SageMaker endpoint, with the
 * worker's use case in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionEvent } from '../../events/promotionEvent';
import { processEvent } from '../../lib/app/processEvent';
import type { Policy } from '../../lib/domain/policy';
import { policySchema } from '../../lib/wiring/policySchema';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import { type InProcessWorker, inProcessWorker } from '../support/inProcessWorker';
import { testStack, uniqueName } from '../support/localStack';
import { validationTally } from '../support/validationTally';

let stack: LocalStack;
let worker: InProcessWorker;
const model = uniqueName('rush-roll');
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
/** The model's first version (champion before the rush), the rush's versions and its winner. */
let first: string;
const versions: string[] = [];
let winner: string;

beforeAll(async () => {
  // No consumers and no webhook: the test is every worker at once.
  stack = await testStack('eu-west-1', { consumers: false, webhook: false });
  worker = inProcessWorker(stack, [policy]);
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * Why an event failed. Concurrent alias and tag writes on one model can trip MLflow's own
 * uniqueness checks (a 400 naming a UNIQUE constraint): the FIFO group prevents that in
 * production, and a redelivery writes again.
 */
function failureOf(error: Error): string {
  if (error.name === 'RegistryRequestError' && /UNIQUE constraint failed/.test(error.message)) {
    return 'MLflow write race';
  }
  return error.name;
}
/** How a first try may fail when versions race for the lease: all of these are redelivered. */
const expectedFailures = ['LeaseBusyError', 'StaleStateError', 'MLflow write race'];

/**
 * Processes every version's event at once, then SQS's redeliveries of the failed ones (the same
 * events, again at once) until none fails. Returns each version's first-try error (null: went
 * through), how many redeliveries it took, and the versions still failing after five rounds.
 */
async function deliverAtOnce(events: Map<string, PromotionEvent>) {
  const attempt = async (vs: string[]) =>
    (await Promise.allSettled(vs.map((v) => processEvent(events.get(v)!, worker.deps)))).map((r) =>
      r.status === 'fulfilled' ? null : failureOf(r.reason as Error),
    );
  const all = [...events.keys()];
  const firstErrors = await attempt(all);
  let failed = all.filter((_, i) => firstErrors[i] !== null);
  let redeliveries = 0;
  for (let round = 0; failed.length > 0 && round < 5; round++) {
    redeliveries += failed.length;
    const errors = await attempt(failed);
    failed = failed.filter((_, i) => errors[i] !== null);
  }
  return { firstErrors: firstErrors.filter((e) => e !== null), redeliveries, failed };
}

/** Who rolls out and who waits, what the endpoint serves (variants with traffic only), what was audited. */
async function rolloutPicture(among: string[]) {
  const states = await Promise.all(among.map((v) => worker.deps.store.getVersion(model, v)));
  const audit = (await worker.deps.store.listAudit(model)).filter((a) => among.includes(a.version!));
  const live = await worker.liveWeights(endpoint);
  return {
    holder: await worker.deps.ledger.leaseHolder(model),
    rolling: states.filter((s) => s?.phase === 'rolling_out' && s.rollout && s.rollout.step >= 0),
    waiting: states.filter((s) => s?.phase === 'rolling_out' && s.rollout?.waitingFor !== undefined),
    started: audit.filter((a) => a.kind === 'rollout.started').map((a) => a.version),
    variants: Object.keys(live).length,
    serving: Object.fromEntries(Object.entries(live).filter(([, w]) => w > 0)),
  };
}

function summary(
  scenario: string,
  sent: number,
  delivery: Awaited<ReturnType<typeof deliverAtOnce>>,
  seen: {
    started: unknown[];
    serving: Record<string, number>;
    waiting: unknown[];
  },
) {
  const count = (kind: string) => delivery.firstErrors.filter((e) => e === kind).length;
  const kinds = [...new Set(delivery.firstErrors)].map((k) => `${k} ×${count(k)}`).join(', ') || 'none';
  return `chaos: ${scenario} — events sent ${sent + delivery.redeliveries} (${delivery.redeliveries} redelivered), first-try failures ${delivery.firstErrors.length} (${kinds}), rollouts started ${seen.started.length}, versions serving ${Object.keys(seen.serving).length}, waiting ${seen.waiting.length}`;
}

describe('many approvals for different versions of one model at once', () => {
  it('start one rollout: one version takes traffic, every other waits for its lease', async () => {
    const api = mlflowApi(stack.mlflowUrl);
    await api.ensureRegisteredModel(model);
    const runId = await api.createRun('baton-chaos-rush', { val_auc: 0.93 });
    // The champion: the model's first version, rolled out alone and promoted.
    first = (await api.createModelVersion(model, runId, { description: 'champion' })).version;
    await processEvent(worker.created(model, first), worker.deps);
    await processEvent(await worker.dueNow(model, first), worker.deps);
    for (let i = 0; i < 6; i++) {
      versions.push((await api.createModelVersion(model, runId, { description: 'rush' })).version);
    }

    const delivery = await deliverAtOnce(new Map(versions.map((v) => [v, worker.created(model, v)])));
    const seen = await rolloutPicture(versions);
    const { lost, duplicated } = await validationTally(
      worker.deps.store,
      versions.map((version) => ({ model, version })),
    );
    winner = seen.holder!;
    console.log(
      `${summary(`${versions.length} versions of one model validated at once, no approval needed`, versions.length, delivery, seen)}, lost ${lost}, duplicated ${duplicated}`,
    );

    // One rollout: the lease holder's, at step 1 beside the champion; never a second version with traffic.
    expect(versions).toContain(winner);
    expect(seen.started).toEqual([winner]);
    expect(seen.rolling.map((s) => s!.version)).toEqual([winner]);
    expect(seen.rolling[0]!.rollout).toMatchObject({ step: 0, champion: first });
    expect(seen.variants).toBeLessThanOrEqual(2);
    expect(seen.serving).toEqual({ [first]: 90, [winner]: 10 });
    // Every other version waits for it, having failed on the lease, a stale read or MLflow's write race at most.
    expect(seen.waiting.map((s) => s!.version).sort()).toEqual(versions.filter((v) => v !== winner).sort());
    expect(seen.waiting.every((s) => s!.rollout!.waitingFor === winner)).toBe(true);
    expect(delivery.firstErrors.filter((e) => !expectedFailures.includes(e))).toEqual([]);
    expect(delivery.failed).toEqual([]);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  });

  it('hand the lease on when that rollout is promoted: one next rollout, whose canary the old cleanup leaves serving', async () => {
    expect(winner).toBeDefined();
    // The winner bakes through its steps and is promoted; its old champion's variant stays for the termination wait.
    let phase: string | null = null;
    for (let i = 0; i < 3 && phase !== 'promoted'; i++) {
      phase = (await processEvent(await worker.dueNow(model, winner), worker.deps)).phase;
    }
    const waiting = versions.filter((v) => v !== winner);

    // Every waiting version's lease retry falls due at once.
    const retries = new Map<string, PromotionEvent>();
    for (const v of waiting) retries.set(v, await worker.dueNow(model, v));
    const delivery = await deliverAtOnce(retries);
    const seen = await rolloutPicture(waiting);
    const next = seen.holder!;
    // Then the winner's termination wait ends while the next canary bakes.
    await processEvent(await worker.dueNow(model, winner), worker.deps);
    const afterCleanup = await rolloutPicture(waiting);
    console.log(
      `${summary(`${waiting.length} waiting versions retry the lease at once after a promotion`, waiting.length, delivery, seen)}, serving after the old champion's cleanup ${JSON.stringify(afterCleanup.serving)}`,
    );

    expect(phase).toBe('promoted');
    expect(waiting).toContain(next);
    expect(seen.started).toEqual([next]);
    expect(seen.rolling.map((s) => s!.version)).toEqual([next]);
    // Against the champion of now, not the one of when it first queued.
    expect(seen.rolling[0]!.rollout).toMatchObject({ step: 0, champion: winner });
    expect(seen.serving).toEqual({ [winner]: 90, [next]: 10 });
    expect(seen.waiting.map((s) => s!.version).sort()).toEqual(waiting.filter((v) => v !== next).sort());
    expect(seen.waiting.every((s) => s!.rollout!.waitingFor === next)).toBe(true);
    expect(delivery.firstErrors.filter((e) => !expectedFailures.includes(e))).toEqual([]);
    expect(delivery.failed).toEqual([]);
    // The cleanup of the winner's rollout must not take the next canary's traffic away mid-step.
    expect(afterCleanup.serving).toEqual({ [winner]: 90, [next]: 10 });
    expect(afterCleanup.rolling[0]!.rollout!.weights).toEqual(afterCleanup.serving);
  });
});
