/**
 * Waits on SageMaker are bounded and resumable: an endpoint that stays `Updating` makes prepare,
 * setWeights and finalise answer `ready: false` within `readyWaitMs` (a few seconds, on a fake
 * clock), the traffic use case defers the step (EndpointNotReadyError keeps it stored for the
 * tick), and the tick's next look, once the update is done, completes it without asking again.
 * The SageMaker client is a small in-memory fake whose updates finish only when the test says.
 */
import { describe, expect, it } from 'vitest';
import { SageMakerEndpoint } from '../../lib/adapters/serving/sagemakerEndpoint';
import { EndpointNotReadyError } from '../../lib/app/errors';
import { applyStoredEffects, retryAt, withWork } from '../../lib/app/storedIntent';
import { finaliseEndpoint, shiftTraffic } from '../../lib/app/traffic';
import type { Effect } from '../../lib/domain/effects';
import { Phase } from '../../lib/domain/phases';
import type { ServedModel } from '../../lib/domain/servingPorts';
import { aPolicy, aVersion } from '../support/builders';
import { MemoryNotifier, MemoryRegistry, MemoryStore, withNullDeps } from '../support/fakes';

type Variant = { VariantName: string; ModelName: string; InitialVariantWeight?: number };

const refused = (message: string) =>
  Object.assign(new Error(message), {
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

/** One endpoint, `fraud-prod`, serving v6 alone; every update stays `Updating` until `finishUpdate()`. */
class SlowSageMaker {
  status = 'InService';
  config = 'fraud-prod-v6';
  readonly configs = new Map<string, Variant[]>([
    ['fraud-prod-v6', [{ VariantName: 'v6', ModelName: 'fraud-prod-v6', InitialVariantWeight: 100 }]],
  ]);
  readonly models = new Set(['fraud-prod-v6']);
  current: Record<string, number> = { v6: 100 };
  desired: Record<string, number> | undefined;
  pendingConfig: string | undefined;
  readonly sent: string[] = [];

  finishUpdate() {
    if (this.pendingConfig) {
      this.config = this.pendingConfig;
      const variants = this.configs.get(this.config) ?? [];
      this.current = Object.fromEntries(variants.map((v) => [v.VariantName, v.InitialVariantWeight ?? 0]));
    }
    if (this.desired) this.current = { ...this.desired };
    this.pendingConfig = undefined;
    this.desired = undefined;
    this.status = 'InService';
  }

  readonly send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const operation = command.constructor.name.replace(/Command$/, '');
    const input = command.input as {
      EndpointConfigName: string;
      ModelName: string;
      ProductionVariants: Variant[];
      DesiredWeightsAndCapacities: Array<{ VariantName: string; DesiredWeight: number }>;
    };
    this.sent.push(operation);
    const busy = () => {
      if (this.status !== 'InService') throw refused('Cannot update in-progress endpoint');
      this.status = 'Updating';
    };
    switch (operation) {
      case 'DescribeEndpoint':
        return {
          EndpointName: 'fraud-prod',
          EndpointConfigName: this.config,
          EndpointStatus: this.status,
          ProductionVariants: Object.entries(this.current).map(([VariantName, weight]) => ({
            VariantName,
            CurrentWeight: weight,
            DesiredWeight: this.desired?.[VariantName] ?? weight,
          })),
        };
      case 'DescribeEndpointConfig':
        return { ProductionVariants: this.configs.get(input.EndpointConfigName) };
      case 'DescribeModel':
        if (!this.models.has(input.ModelName)) throw refused(`Could not find model "${input.ModelName}".`);
        return {};
      case 'CreateModel':
        this.models.add(input.ModelName);
        return {};
      case 'CreateEndpointConfig':
        this.configs.set(input.EndpointConfigName, input.ProductionVariants);
        return {};
      case 'UpdateEndpoint':
        busy();
        this.pendingConfig = input.EndpointConfigName;
        return {};
      case 'UpdateEndpointWeightsAndCapacities':
        busy();
        this.desired = Object.fromEntries(
          input.DesiredWeightsAndCapacities.map((d) => [d.VariantName, d.DesiredWeight]),
        );
        return {};
      default:
        throw new Error(`unexpected SageMaker call ${operation}`);
    }
  };

  count(operation: string) {
    return this.sent.filter((o) => o === operation).length;
  }
}

/** The adapter on the fake, with a fake clock its waits advance; `readyWaitMs` left at its default. */
function setup() {
  const sagemaker = new SlowSageMaker();
  const clock = { ms: 0 };
  const serving = new SageMakerEndpoint({
    client: sagemaker as never,
    executionRoleArn: 'arn:aws:iam::123456789012:role/baton-models',
    now: () => clock.ms,
    sleep: async (ms) => {
      clock.ms += ms;
    },
  });
  const registry = new MemoryRegistry();
  const deps = { registry, serving: () => serving };
  return { sagemaker, clock, serving, deps };
}

const served = (version: string): ServedModel => ({
  model: 'fraud',
  version,
  tags: { 'sagemaker.image': `ecr/fraud:${version}`, 'sagemaker.model_data_url': `s3://m/${version}.tar.gz` },
  settings: {},
});
const policy = aPolicy({
  rollout: {
    endpoint: { kind: 'sagemaker', name: 'fraud-prod', image: 'ecr/fraud:policy' },
    steps: [10, 100],
  },
});
const artefacts = (versions: string[]) =>
  Object.fromEntries(
    versions.map((v) => [
      v,
      {
        kind: 'sagemaker' as const,
        image: `ecr/fraud:${v}`,
        modelDataUrl: `s3://m/${v}.tar.gz`,
        instanceType: 'ml.m5.large',
        instanceCount: 1,
        tags: { 'sagemaker.image': `ecr/fraud:${v}` },
      },
    ]),
  );

describe('an endpoint that stays Updating', () => {
  it('makes setWeights answer not-ready after the default wait of 3 s, having asked for the weights once', async () => {
    const { sagemaker, clock, serving } = setup();
    sagemaker.configs.set('fraud-prod-v6-v7', [
      { VariantName: 'v6', ModelName: 'fraud-prod-v6', InitialVariantWeight: 100 },
      { VariantName: 'v7', ModelName: 'fraud-prod-v7', InitialVariantWeight: 0 },
    ]);
    sagemaker.current = { v6: 100, v7: 0 };

    const started = Date.now();
    const after = await serving.setWeights('fraud-prod', { '6': 90, '7': 10 });

    expect([after.ready, after.status, clock.ms]).toEqual([false, 'Updating', 3000]);
    expect(sagemaker.count('UpdateEndpointWeightsAndCapacities')).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('makes setWeights change nothing while an earlier update still runs', async () => {
    const { sagemaker, clock, serving } = setup();
    sagemaker.status = 'Updating';

    const after = await serving.setWeights('fraud-prod', { '6': 100 });

    expect([after.ready, clock.ms, sagemaker.count('UpdateEndpointWeightsAndCapacities')]).toEqual([
      false,
      3000,
      0,
    ]);
  });

  it('makes prepare answer not-ready within one 3 s budget for both of its waits', async () => {
    const { sagemaker, clock, serving } = setup();

    const after = await serving.prepare('fraud-prod', [served('6'), served('7')]);

    expect([after.ready, clock.ms, sagemaker.count('UpdateEndpoint')]).toEqual([false, 3000, 1]);
  });

  it('makes finalise answer not-ready after 3 s, and the next look find the old variant gone without a second update', async () => {
    const { sagemaker, clock, serving } = setup();
    sagemaker.configs.set('fraud-prod-v6-v7', [
      { VariantName: 'v6', ModelName: 'fraud-prod-v6', InitialVariantWeight: 0 },
      { VariantName: 'v7', ModelName: 'fraud-prod-v7', InitialVariantWeight: 100 },
    ]);
    sagemaker.current = { v6: 0, v7: 100 };
    sagemaker.models.add('fraud-prod-v7');

    const first = await serving.finalise('fraud-prod', served('7'));
    sagemaker.finishUpdate();
    const second = await serving.finalise('fraud-prod', served('7'));

    expect([first.ready, clock.ms, second.ready, second.variants.map((v) => v.version)]).toEqual([
      false,
      3000,
      true,
      ['7'],
    ]);
    expect(sagemaker.count('UpdateEndpoint')).toBe(1);
  });
});

describe('a traffic step on an endpoint that stays Updating', () => {
  it('is deferred to the tick, and the next tick completes it without asking SageMaker again', async () => {
    const { sagemaker, deps } = setup();
    const effect = {
      endpoint: 'fraud-prod',
      kind: 'sagemaker' as const,
      weights: { '6': 90, '7': 10 },
      artefacts: artefacts(['6', '7']),
    };

    // Tick 1: v7 joins (UpdateEndpoint), still Updating after 3 s.
    const joining = shiftTraffic(deps, 'fraud', policy, effect);
    await expect(joining).rejects.toBeInstanceOf(EndpointNotReadyError);
    sagemaker.finishUpdate();
    // Tick 2: the weights are asked (UpdateEndpointWeightsAndCapacities), still Updating after 3 s.
    const shifting = shiftTraffic(deps, 'fraud', policy, effect);
    await expect(shifting).rejects.toThrow(
      'endpoint fraud-prod is Updating, not ready for a weight change; will retry',
    );
    sagemaker.finishUpdate();
    // Tick 3: live at 90/10; nothing more to ask.
    await shiftTraffic(deps, 'fraud', policy, effect);

    expect(sagemaker.current).toEqual({ v6: 90, v7: 10 });
    expect([
      sagemaker.count('UpdateEndpoint'),
      sagemaker.count('UpdateEndpointWeightsAndCapacities'),
    ]).toEqual([1, 1]);
  });

  it('defers the end of a rollout until the old variant is gone', async () => {
    const { sagemaker, deps } = setup();
    sagemaker.configs.set('fraud-prod-v6-v7', [
      { VariantName: 'v6', ModelName: 'fraud-prod-v6', InitialVariantWeight: 0 },
      { VariantName: 'v7', ModelName: 'fraud-prod-v7', InitialVariantWeight: 100 },
    ]);
    sagemaker.current = { v6: 0, v7: 100 };
    sagemaker.models.add('fraud-prod-v7');
    deps.registry.add(aVersion({ version: '7', tags: served('7').tags }));
    const effect = { endpoint: 'fraud-prod', kind: 'sagemaker' as const, version: '7' };

    const first = finaliseEndpoint(deps, 'fraud', policy, effect);
    await expect(first).rejects.toBeInstanceOf(EndpointNotReadyError);
    sagemaker.finishUpdate();
    await finaliseEndpoint(deps, 'fraud', policy, effect);

    expect([Object.keys(sagemaker.current), sagemaker.count('UpdateEndpoint')]).toEqual([['v7'], 1]);
  });
});

describe('a stored traffic step on an endpoint that stays Updating', () => {
  it('stays stored with the tick’s retry as its due time, and the tick applies it and what follows once the endpoint is ready', async () => {
    const { sagemaker, clock, serving } = setup();
    const now = new Date('2026-11-22T12:00:00Z');
    const store = new MemoryStore();
    const notifier = new MemoryNotifier();
    const deps = withNullDeps({
      registry: new MemoryRegistry(),
      store,
      notifier,
      policyFor: () => policy,
      now: () => now,
      serving: () => serving,
    });
    const effects: Effect[] = [
      {
        type: 'shiftTraffic',
        endpoint: 'fraud-prod',
        kind: 'sagemaker',
        weights: { '6': 90, '7': 10 },
        artefacts: artefacts(['6', '7']),
      },
      { type: 'setTag', version: '7', key: 'baton.rollout_step', value: '1' },
    ];
    const stored = withWork(
      { model: 'fraud', version: '7', phase: Phase.RollingOut, revision: 1, updatedAt: now.toISOString() },
      { effects, received: [], attempts: 0 },
      now,
    );
    await store.saveVersion(stored, 0, []);
    const tags: string[] = [];
    deps.registry.setModelVersionTag = async (_model, version, key, value) =>
      void tags.push(`${version}:${key}=${value}`);

    const first = await applyStoredEffects(stored, policy, deps);
    const deferred = await store.getVersion('fraud', '7');
    sagemaker.finishUpdate(); // v7 joined
    const second = await applyStoredEffects(deferred!, policy, deps, true);
    sagemaker.finishUpdate(); // the weights are live
    const third = await applyStoredEffects((await store.getVersion('fraud', '7'))!, policy, deps, true);

    expect(first.failed).toBeInstanceOf(EndpointNotReadyError);
    expect([deferred?.intent?.effects.length, deferred?.dueAt]).toEqual([2, retryAt(now, 1)]);
    expect(second.failed).toBeInstanceOf(EndpointNotReadyError);
    expect([third.failed, third.applied, third.state.intent]).toEqual([undefined, 2, undefined]);
    expect([sagemaker.current, tags]).toEqual([{ v6: 90, v7: 10 }, ['7:baton.rollout_step=1']]);
    expect(clock.ms).toBe(6000);
  });
});
