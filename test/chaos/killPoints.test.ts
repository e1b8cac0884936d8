/**
 * Fault injection, deterministic: the worker is killed at every effect boundary of one version's
 * whole life after approval — after each registry write (tags, aliases), after each traffic step
 * on SageMaker, after each lease change and notice, and just before each state write — one kill
 * per run, every boundary in turn. A kill is the invocation stopping there for good (nothing
 * after it runs, no error handler, no acknowledgement, as after SIGKILL); SQS then delivers the
 * same message again. Every run must end in the same world as a run without kills, with 0 lost and
 * 0 duplicated effects: each decision audited once, each notice delivered once (through the
 * notifier's own idempotency ledger, as in production), the endpoint through each canary step
 * once and in order, the aliases where a promotion puts them.
 *
 * Run on the real MLflow server and the emulator's table and SageMaker endpoint, with the
 * worker's use case in-process.
 */
import {
  CreateEndpointCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import type { PromotionEvent } from '../../events/promotionEvent';
import { DynamoDeliveryLedger } from '../../lib/adapters/notify/idempotency';
import { deliverOnce } from '../../lib/app/deliverNotifications';
import { type PromotionDeps, processEvent } from '../../lib/app/processEvent';
import type { Policy } from '../../lib/domain/policy';
import type { ModelRegistry } from '../../lib/domain/ports';
import { policySchema } from '../../lib/wiring/policySchema';
import { mlflowApi } from '../../local/mlflowApi';
import type { LocalStack } from '../../local/stack';
import type { TestSageMaker } from '../support/awsCalls';
import { type InProcessWorker, inProcessWorker } from '../support/inProcessWorker';
import { testDocuments, testStack, uniqueName } from '../support/localStack';

let stack: LocalStack;
let worker: InProcessWorker;
const policies: Policy[] = [];

/** The boundaries passed so far in this run, and the one (1-based) where the worker dies. */
const boundaries: string[] = [];
let killAt: number | null = null;
let onKill: ((label: string) => void) | null = null;
/** What the world saw in this run: registry writes, endpoint states, notices people received. */
const seen = { registry: [] as string[], weights: [] as string[], delivered: [] as Notification[] };

/** One boundary passed; the worker dies here when it is the armed one. */
async function boundary(label: string): Promise<void> {
  boundaries.push(label);
  if (boundaries.length !== killAt) return;
  onKill?.(label);
  // SIGKILL: nothing after this point of the invocation ever runs.
  await new Promise<never>(() => undefined);
}

/** SageMaker, with a boundary after each call that changes the endpoint. */
function killableSageMaker(real: TestSageMaker): TestSageMaker {
  const changes = [CreateEndpointCommand, UpdateEndpointCommand, UpdateEndpointWeightsAndCapacitiesCommand];
  return Object.assign(Object.create(real) as TestSageMaker, {
    async send(command: object) {
      const output = await real.send(command as never);
      if (!changes.some((c) => command instanceof c)) return output;
      // The endpoint's state after the change, for the step tally.
      const name = (command as { input: { EndpointName: string } }).input.EndpointName;
      const live = Object.entries(await worker.liveWeights(name)).sort(([a], [b]) => Number(a) - Number(b));
      seen.weights.push(live.map(([v, w]) => `${v}:${w}`).join(' '));
      await boundary(`after ${command.constructor.name}`);
      return output;
    },
  });
}

/** The worker's ports with the boundaries: after each registry write, lease change and notice; before each state write. */
function killable(deps: InProcessWorker['deps'], notices: DynamoDeliveryLedger): PromotionDeps {
  const registry = deps.registry;
  const wrapped: ModelRegistry = Object.assign(Object.create(registry) as ModelRegistry, {
    async setModelVersionTag(name: string, version: string, key: string, value: string) {
      await registry.setModelVersionTag(name, version, key, value);
      seen.registry.push(`tag v${version} ${key}`);
      await boundary(`after tag ${key} on v${version}`);
    },
    async setAlias(name: string, alias: string, version: string) {
      await registry.setAlias(name, alias, version);
      seen.registry.push(`alias ${alias}→v${version}`);
      await boundary(`after alias ${alias}→v${version}`);
    },
    async deleteAlias(name: string, alias: string) {
      await registry.deleteAlias(name, alias);
      seen.registry.push(`unalias ${alias}`);
      await boundary(`after unalias ${alias}`);
    },
  });
  const store = Object.assign(Object.create(deps.store) as typeof deps.store, {
    async saveVersion(...args: Parameters<typeof deps.store.saveVersion>) {
      await boundary(`before the state write of v${args[0].version} (${args[0].phase})`);
      return deps.store.saveVersion(...args);
    },
  });
  const ledger = Object.assign(Object.create(deps.ledger) as typeof deps.ledger, {
    async takeLease(...args: Parameters<typeof deps.ledger.takeLease>) {
      await deps.ledger.takeLease(...args);
      await boundary('after takeLease');
    },
    async releaseLease(...args: Parameters<typeof deps.ledger.releaseLease>) {
      await deps.ledger.releaseLease(...args);
      await boundary('after releaseLease');
    },
  });
  // Published notices go through the notifier's idempotency ledger, as the notifier Lambda does.
  const recording = { publish: async (n: Notification) => void seen.delivered.push(n) };
  const notifier = {
    async publish(n: Notification) {
      await deliverOnce(n, { notifier: recording, ledger: notices });
      await boundary(`after notice ${n.kind}`);
    },
  };
  return { ...deps, registry: wrapped, store, ledger, notifier };
}

beforeAll(async () => {
  // No consumers and no webhook: this test is the worker, and decides where it dies.
  stack = await testStack('mx-central-1', { consumers: false, webhook: false });
  worker = inProcessWorker(stack, policies, { sagemaker: killableSageMaker });
});
afterAll(async () => {
  await stack?.stop();
});

const api = () => mlflowApi(stack.mlflowUrl);

/** A model of its own on an endpoint of its own: one approver, three canary steps. */
function rolloutModel() {
  const model = uniqueName('kill-roll');
  const endpoint = uniqueName('kill-prod');
  policies.push(
    policySchema.parse({
      model,
      checks: { runStatus: ['FINISHED'], metrics: [{ name: 'val_auc', min: 0.8 }] },
      approval: { required: true, approvers: ['U0APPROVER'], minApprovals: 1, expiresAfter: '1h' },
      rollout: {
        endpoint: {
          kind: 'sagemaker',
          name: endpoint,
          image: '000000000000.dkr.ecr.mx-central-1.amazonaws.com/kill:1',
          executionRoleArn: 'arn:aws:iam::000000000000:role/kill-sagemaker',
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

/**
 * Delivers an event as SQS does: when the worker dies on it, the same message again, until an
 * invocation finishes. Returns how many times it was killed.
 */
async function deliver(event: PromotionEvent, deps: PromotionDeps): Promise<number> {
  for (let kills = 0; ; kills++) {
    const killed = new Promise<'killed'>((resolve) => {
      onKill = () => resolve('killed');
    });
    if ((await Promise.race([processEvent(event, deps), killed])) !== 'killed') return kills;
  }
}

/** v1 champion alone on the endpoint and v2 waiting for approval, set up without kills. */
async function prepared() {
  const { model, endpoint } = rolloutModel();
  await api().ensureRegisteredModel(model);
  const register = async () => {
    const runId = await api().createRun('baton-kill-points', { val_auc: 0.93 });
    const { version } = await api().createModelVersion(model, runId, { description: 'candidate' });
    await processEvent(worker.created(model, version), worker.deps);
    return version;
  };
  const v1 = await register();
  await processEvent(worker.approve(model, v1), worker.deps);
  await processEvent(await worker.dueNow(model, v1), worker.deps);
  const v2 = await register();
  return { model, endpoint, v1, v2 };
}

/** v2's life from the approval to the previous champion's variant removed, each event delivered as SQS would. */
async function lifeAfterApproval(model: string, v2: string, deps: PromotionDeps) {
  let kills = await deliver(worker.approve(model, v2), deps);
  // The tick's deadlines: each canary step, the promotion, then the old variant's cleanup.
  for (let due = 0; due < 6; due++) {
    const state = await worker.deps.store.getVersion(model, v2);
    if (state?.dueAt === undefined) break;
    kills += await deliver(await worker.dueNow(model, v2), deps);
  }
  return kills;
}

/** The world after one run, and its lost and duplicated effects against the run without kills. */
async function tally(model: string, endpoint: string, v1: string, v2: string) {
  const audit = (await worker.deps.store.listAudit(model)).filter((a) => a.version === v2).map((a) => a.kind);
  const count = (kind: string) => audit.filter((k) => k === kind).length;
  const decisions = {
    'approval.recorded': 1,
    'rollout.started': 1,
    'rollout.step': 3,
    'promotion.completed': 1,
  };
  const keys = seen.delivered.map((n) => n.idempotencyKey);
  const notices = [`rollout:${model}:${v2}`, `promoted:${model}:${v2}`];
  // The endpoint's states in order, an idempotent repeat of the same state counted once.
  const steps = seen.weights.filter((w, i) => w !== seen.weights[i - 1]);
  const expectedSteps = [`${v1}:90 ${v2}:10`, `${v1}:50 ${v2}:50`, `${v1}:0 ${v2}:100`];
  const champion = (await api().getModelVersion(model, v2)).aliases ?? [];
  const archive = (await api().getModelVersion(model, v1)).aliases ?? [];
  const lost =
    Object.entries(decisions).filter(([kind, n]) => count(kind) < n).length +
    notices.filter((k) => !keys.includes(k)).length +
    expectedSteps.filter((s) => !steps.includes(s)).length +
    (champion.includes('champion') ? 0 : 1) +
    (archive.includes('archive') ? 0 : 1);
  const duplicated =
    Object.entries(decisions).filter(([kind, n]) => count(kind) > n).length +
    keys.filter((k, i) => keys.indexOf(k) !== i).length +
    Math.max(0, steps.filter((s) => expectedSteps.includes(s)).length - expectedSteps.length);
  const live = await worker.liveWeights(endpoint);
  return { lost, duplicated, live, champion, archive, lease: await worker.deps.ledger.leaseHolder(model) };
}

describe('the worker killed at each effect boundary in turn', () => {
  it('converges every time: 0 lost and 0 duplicated effects', async () => {
    // Prepare: one run without kills names the boundaries of v2's life after approval.
    const notices = new DynamoDeliveryLedger(
      testDocuments(stack),
      stack.resources.resolveString({ Ref: 'BatonTable' }),
    );
    const reference = await prepared();
    Object.assign(seen, { registry: [], weights: [], delivered: [] });
    boundaries.length = 0;
    const referenceDeps = killable(worker.deps, notices);
    await lifeAfterApproval(reference.model, reference.v2, referenceDeps);
    const labels = [...boundaries];
    const clean = await tally(reference.model, reference.endpoint, reference.v1, reference.v2);

    // Act: one run per boundary, killed there once.
    const runs: Array<{ at: string; kills: number } & Awaited<ReturnType<typeof tally>>> = [];
    for (let k = 1; k <= labels.length; k++) {
      const { model, endpoint, v1, v2 } = await prepared();
      Object.assign(seen, { registry: [], weights: [], delivered: [] });
      boundaries.length = 0;
      killAt = k;
      const deps = killable(worker.deps, notices);
      const kills = await lifeAfterApproval(model, v2, deps);
      killAt = null;
      runs.push({ at: labels[k - 1]!, kills, ...(await tally(model, endpoint, v1, v2)) });
    }

    // Assess: every run ends as the run without kills did, nothing lost, nothing doubled.
    const lost = runs.reduce((n, r) => n + r.lost, 0);
    const duplicated = runs.reduce((n, r) => n + r.duplicated, 0);
    console.log(
      `chaos: worker killed at each of ${labels.length} effect boundaries (${runs.reduce((n, r) => n + r.kills, 0)} kills) — lost ${lost}, duplicated ${duplicated}\n` +
        labels
          .map((l, i) => `  ${i + 1}. ${l}: lost ${runs[i]!.lost}, duplicated ${runs[i]!.duplicated}`)
          .join('\n'),
    );
    expect(clean).toMatchObject({ lost: 0, duplicated: 0, lease: null });
    expect(labels).toContain(`after alias champion→v${reference.v2}`);
    expect(labels.some((l) => l.startsWith('after UpdateEndpoint'))).toBe(true);
    expect(labels.some((l) => l.startsWith('before the state write'))).toBe(true);
    expect(runs.every((r) => r.kills === 1)).toBe(true);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    for (const r of runs) {
      expect(r.champion).toEqual(['champion']);
      expect(r.archive).toEqual(['archive']);
      expect(r.lease).toBeNull();
      expect(Object.keys(r.live)).toEqual(Object.keys(clean.live));
    }
  }, 900_000);
});
