/**
 * A canary step is two writes that are not atomic: SageMaker's weights, then Baton's record of
 * the step. A crash between them must converge on redelivery: the endpoint at that step's
 * weights, the record on that step, and each step in the audit trail exactly once. Proven on the
 * real MLflow server and the emulator's table and SageMaker endpoint, with the worker's use case
 * run in-process and the crash injected into the SageMaker client or the ledger.
 */

import { UpdateEndpointWeightsAndCapacitiesCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionEvent } from '../../events/promotionEvent';
import type { DynamoModelLedger } from '../../lib/adapters/store/dynamoModelLedger';
import { processEvent } from '../../lib/app/processEvent';
import type { Policy } from '../../lib/domain/policy';
import { policySchema } from '../../lib/wiring/policySchema';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import type { TestSageMaker } from '../support/awsCalls';
import { type InProcessWorker, inProcessWorker } from '../support/inProcessWorker';
import { testStack, uniqueName } from '../support/localStack';

let stack: LocalStack;
let worker: InProcessWorker;
const policies: Policy[] = [];
/** Set to crash the process right after the next UpdateEndpointWeightsAndCapacities returns. */
let crashAfterWeights = false;
/** Set to crash the process right after the next takeLease returns. */
let crashAfterLease = false;
/** Set to crash the process right after the next releaseLease returns. */
let crashAfterRelease = false;

/** SageMaker accepts the weights; then the worker dies before it can store the step. */
function crashingAfterWeights(real: TestSageMaker): TestSageMaker {
  return Object.assign(Object.create(real) as TestSageMaker, {
    async send(command: object) {
      const output = await real.send(command as never);
      if (command instanceof UpdateEndpointWeightsAndCapacitiesCommand && crashAfterWeights) {
        crashAfterWeights = false;
        throw new Error('injected crash after SageMaker accepted the weights');
      }
      return output;
    },
  });
}

/** The lease is taken or released; then the worker dies before it can store the decision. */
function crashingLedger(real: DynamoModelLedger): DynamoModelLedger {
  return Object.assign(Object.create(real) as DynamoModelLedger, {
    async takeLease(model: string, version: string, at: string) {
      await real.takeLease(model, version, at);
      if (crashAfterLease) {
        crashAfterLease = false;
        throw new Error('injected crash after the lease was taken');
      }
    },
    async releaseLease(model: string, version: string) {
      await real.releaseLease(model, version);
      if (crashAfterRelease) {
        crashAfterRelease = false;
        throw new Error('injected crash after the lease was released');
      }
    },
  });
}

beforeAll(async () => {
  // No consumers and no webhook: this test is the worker, and decides when it crashes.
  stack = await testStack('me-south-1', { consumers: false, webhook: false });
  worker = inProcessWorker(stack, policies, { sagemaker: crashingAfterWeights });
  worker.deps.ledger = crashingLedger(worker.deps.ledger);
});
afterAll(async () => {
  await stack?.stop();
});

const api = () => mlflowApi(stack.mlflowUrl);
const run = (event: PromotionEvent) => processEvent(event, worker.deps);

/** A model of its own on an endpoint of its own, with the rollout fixture's policy (few-second steps). */
function rolloutModel() {
  const model = uniqueName('crash-roll');
  const endpoint = uniqueName('crash-prod');
  policies.push(
    policySchema.parse({
      model,
      checks: { runStatus: ['FINISHED'], metrics: [{ name: 'val_auc', min: 0.8 }] },
      approval: { required: true, approvers: ['U0APPROVER'], minApprovals: 1, expiresAfter: '1h' },
      rollout: {
        endpoint: {
          kind: 'sagemaker',
          name: endpoint,
          image: '000000000000.dkr.ecr.me-south-1.amazonaws.com/crash:1',
          executionRoleArn: 'arn:aws:iam::000000000000:role/crash-sagemaker',
          instanceType: 'ml.m5.large',
        },
        steps: [10, 50, 100],
        bakeTime: '2s',
        deadline: '1h',
      },
    }),
  );
  return { model, endpoint };
}

/** Registers a version from a good run and validates it: it waits for approval. */
async function awaitingApproval(model: string): Promise<string> {
  await api().ensureRegisteredModel(model);
  const runId = await api().createRun('baton-rollout-crash', { val_auc: 0.93 });
  const { version } = await api().createModelVersion(model, runId, { description: 'candidate' });
  const validated = await run(worker.created(model, version));
  if (validated.phase !== 'awaiting_approval') throw new Error(`v${version} is ${validated.phase}`);
  return version;
}

/** The model's first version, approved and rolled out alone: champion, serving 100 %. */
async function championOnEndpoint(model: string): Promise<string> {
  const v1 = await awaitingApproval(model);
  await run(worker.approve(model, v1));
  const promoted = await run(await worker.dueNow(model, v1));
  if (promoted.phase !== 'promoted') throw new Error(`v${v1} is ${promoted.phase}`);
  return v1;
}

async function storedStep(model: string, version: string) {
  const state = await worker.deps.store.getVersion(model, version);
  return { phase: state?.phase, step: (state?.rollout?.step ?? -1) + 1, weights: state?.rollout?.weights };
}

async function auditOf(model: string, version: string, kind: string) {
  return (await worker.deps.store.listAudit(model)).filter((a) => a.version === version && a.kind === kind);
}

describe('a crash after SageMaker took a step’s weights, before Baton stored the step', () => {
  it.each([1, 2, 3])(
    'converges on redelivery at step %i: those weights live, the record on that step, every step once',
    async (crashStep) => {
      const { model, endpoint } = rolloutModel();
      const v1 = await championOnEndpoint(model);
      const v2 = await awaitingApproval(model);
      const steps = [
        { [v1]: 90, [v2]: 10 },
        { [v1]: 50, [v2]: 50 },
        { [v1]: 0, [v2]: 100 },
      ];
      // Step 1 is entered by the approval, the others by the tick's due events.
      const eventFor = async (step: number): Promise<PromotionEvent> =>
        step === 1 ? worker.approve(model, v2) : await worker.dueNow(model, v2);

      const snapshot = async () => ({
        weights: await worker.liveWeights(endpoint),
        stored: await storedStep(model, v2),
      });
      let midway: Awaited<ReturnType<typeof snapshot>> | undefined;
      let redelivered: typeof midway;
      for (let step = 1; step <= steps.length; step++) {
        const event = await eventFor(step);
        if (step === crashStep) {
          crashAfterWeights = true;
          // The step was stored before the endpoint moved: the failure leaves its remaining effects stored.
          expect((await run(event)).deferred).toContain(
            'injected crash after SageMaker accepted the weights',
          );
          midway = await snapshot();
          // SQS delivers the same message again.
          await run(event);
          redelivered = await snapshot();
        } else {
          await run(event);
        }
      }
      const finished = await run(await worker.dueNow(model, v2));

      // The record was stored first (intent before effects), so it was never behind SageMaker…
      expect(midway?.weights).toEqual(steps[crashStep - 1]);
      expect(midway?.stored.step).toBe(crashStep);
      // …and the redelivery finished the stored effects without moving the endpoint on.
      expect(redelivered).toEqual({
        weights: steps[crashStep - 1],
        stored: { phase: 'rolling_out', step: crashStep, weights: steps[crashStep - 1] },
      });
      expect((await auditOf(model, v2, 'rollout.step')).map((a) => a.evidence.weights)).toEqual(steps);
      expect(await auditOf(model, v2, 'rollout.started')).toHaveLength(1);
      expect(finished.phase).toBe('promoted');
      expect(await worker.liveWeights(endpoint)).toEqual({ [v1]: 0, [v2]: 100 });
      expect((await api().getModelVersion(model, v2)).aliases).toEqual(['champion']);
      expect((await api().getModelVersion(model, v1)).aliases).toEqual(['archive']);
      expect(await worker.deps.ledger.leaseHolder(model)).toBeNull();
    },
  );
});

describe('a crash between taking the rollout lease and storing the rollout’s start', () => {
  it('converges on redelivery: the version takes its own lease again and rolls out to promotion', async () => {
    const { model, endpoint } = rolloutModel();
    const v1 = await championOnEndpoint(model);
    const v2 = await awaitingApproval(model);
    const approval = worker.approve(model, v2);

    crashAfterLease = true;
    expect((await run(approval)).deferred).toContain('injected crash after the lease was taken');
    const midway = {
      lease: await worker.deps.ledger.leaseHolder(model),
      stored: await storedStep(model, v2),
      weights: await worker.liveWeights(endpoint),
    };
    const redelivered = await run(approval);
    const started = {
      lease: await worker.deps.ledger.leaseHolder(model),
      stored: await storedStep(model, v2),
      weights: await worker.liveWeights(endpoint),
    };
    await run(await worker.dueNow(model, v2));
    await run(await worker.dueNow(model, v2));
    const finished = await run(await worker.dueNow(model, v2));

    // The lease is taken before the rollout's start is stored (the lease is the gate of one rollout
    // per model): the lease is v2's own, though nothing else of the rollout happened.
    expect(midway).toEqual({
      lease: v2,
      stored: { phase: 'awaiting_approval', step: 0, weights: undefined },
      weights: { [v1]: 100 },
    });
    expect(redelivered.phase).toBe('rolling_out');
    expect(started).toEqual({
      lease: v2,
      stored: { phase: 'rolling_out', step: 1, weights: { [v1]: 90, [v2]: 10 } },
      weights: { [v1]: 90, [v2]: 10 },
    });
    expect(await auditOf(model, v2, 'rollout.started')).toHaveLength(1);
    expect(await auditOf(model, v2, 'rollout.waiting')).toHaveLength(0);
    expect(await auditOf(model, v2, 'rollout.step')).toHaveLength(3);
    expect(finished.phase).toBe('promoted');
    expect((await api().getModelVersion(model, v2)).aliases).toEqual(['champion']);
    expect((await api().getModelVersion(model, v1)).aliases).toEqual(['archive']);
    expect(await worker.deps.ledger.leaseHolder(model)).toBeNull();
  });
});

describe('a crash between releasing the lease and storing an abort', () => {
  // The redelivered abort must leave the endpoint alone: the next version already holds the
  // lease and serves its canary (abortRollout shifts traffic only while the lease is free or its own).
  it('converges on redelivery without taking traffic from the rollout that started meanwhile', async () => {
    const { model, endpoint } = rolloutModel();
    const v1 = await championOnEndpoint(model);
    const v2 = await awaitingApproval(model);
    await run(worker.approve(model, v2));
    const v3 = await awaitingApproval(model);
    await run(worker.approve(model, v3)); // waits for v2's lease
    const abort: PromotionEvent = {
      type: 'control',
      model,
      version: v2,
      action: 'abort',
      actor: 'ops@example.com',
      via: 'cli',
      deliveryId: `abort-${model}-${v2}`,
      receivedAt: new Date().toISOString(),
    };

    crashAfterRelease = true;
    expect((await run(abort)).deferred).toContain('injected crash after the lease was released');
    // v3's lease retry comes before SQS redelivers the abort.
    const next = await run(await worker.dueNow(model, v3));
    const redelivered = await run(abort);

    expect(next.phase).toBe('rolling_out');
    expect(redelivered.phase).toBe('aborted');
    expect(await worker.deps.ledger.leaseHolder(model)).toBe(v3);
    expect((await storedStep(model, v3)).weights).toEqual({ [v1]: 90, [v3]: 10 });
    expect(await worker.liveWeights(endpoint)).toEqual({ [v1]: 90, [v2]: 0, [v3]: 10 });
  });
});
