/**
 * Applies the traffic effects of a decision through the serving port: `shiftTraffic` makes sure
 * every version named is served by a variant, sets the weights, and checks what the endpoint
 * reports afterwards. An endpoint that is still updating is not an error of the decision: the
 * adapters wait only a few seconds and report `ready: false`, and EndpointNotReadyError leaves the
 * effect stored for the tick to apply again (storedIntent.ts) — prepare, setWeights and finalise
 * alike, so no invocation waits minutes for SageMaker and a repeat finds the work done.
 *
 * A missing variant is deployed from the version's pinned artefact (the one approvers saw): the
 * effect's own, else the one stored with the version's record. Only a version recorded before
 * pinning existed is read back from the registry, its tags deciding at shift time as they used to.
 *
 * @example
 *   await shiftTraffic(deps, 'fraud-detector', policy, { endpoint: 'fraud-prod', kind: 'sagemaker', weights: { '6': 90, '7': 10 } });
 */

import type { Artefact } from '../domain/artefact';
import type { EndpointKind } from '../domain/effects';
import type { Policy } from '../domain/policy';
import type { ModelRegistry } from '../domain/ports';
import type { ServedModel, ServingEndpoint, Weights } from '../domain/servingPorts';
import { weightsOf } from '../domain/servingPorts';
import { EndpointNotReadyError, TrafficMismatchError } from './errors';

export interface TrafficDeps {
  registry: ModelRegistry;
  serving(kind: EndpointKind): ServingEndpoint;
  /** The artefact pinned on the version's record (undefined: none, a record from before pinning). */
  pinned?(model: string, version: string): Promise<Artefact | undefined>;
}

async function servedModel(
  deps: TrafficDeps,
  model: string,
  version: string,
  policy: Policy,
  carried: Artefact | undefined,
): Promise<ServedModel> {
  const { kind: _kind, name: _name, ...settings } = policy.rollout?.endpoint ?? { kind: 'none' };
  const artefact = carried ?? (await deps.pinned?.(model, version));
  if (artefact) {
    // Deployed as pinned: the tags it was resolved from, never the registry's tags of now; each
    // serving adapter reads its own kind's artefact (the use case knows no kind).
    return { model, version, tags: artefact.tags, settings, artefact };
  }
  const info = await deps.registry.getModelVersion(model, version);
  return { model, version, source: info?.source, tags: info?.tags ?? {}, settings };
}

export async function shiftTraffic(
  deps: TrafficDeps,
  model: string,
  policy: Policy,
  effect: { endpoint: string; kind: EndpointKind; weights: Weights; artefacts?: Record<string, Artefact> },
): Promise<void> {
  const serving = deps.serving(effect.kind);
  const live = await serving.describe(effect.endpoint);
  const wanted = Object.keys(effect.weights);
  const served = new Set(live?.variants.map((v) => v.version));
  if (!live || wanted.some((v) => !served.has(v))) {
    // The version with the largest share first: a new endpoint is created serving it alone.
    const order = [...wanted].sort((a, b) => effect.weights[b]! - effect.weights[a]!);
    const models = await Promise.all(
      order.map((v) => servedModel(deps, model, v, policy, effect.artefacts?.[v])),
    );
    const prepared = await serving.prepare(effect.endpoint, models);
    if (!prepared.ready) throw new EndpointNotReadyError(effect.endpoint, prepared.status);
  } else if (!live.ready) {
    throw new EndpointNotReadyError(effect.endpoint, live.status);
  }
  const after = await serving.setWeights(effect.endpoint, effect.weights);
  // Asked, but not live yet (or the endpoint is busy): the tick's next look completes the step.
  if (!after.ready) throw new EndpointNotReadyError(effect.endpoint, after.status);
  const reported = weightsOf(after);
  const differs = wanted.some((v) => (reported[v] ?? 0) !== effect.weights[v]);
  if (differs) throw new TrafficMismatchError(effect.endpoint, effect.weights, reported);
}

export async function finaliseEndpoint(
  deps: TrafficDeps,
  model: string,
  policy: Policy,
  effect: { endpoint: string; kind: EndpointKind; version: string },
): Promise<void> {
  const serving = deps.serving(effect.kind);
  // The next rollout started during the termination wait and its challenger serves here: leaving
  // only `version` would take the canary's traffic away mid-step. That rollout's own finish tidies.
  const live = await serving.describe(effect.endpoint);
  if (live?.variants.some((v) => v.version !== effect.version && v.weight > 0)) return;
  const after = await serving.finalise(
    effect.endpoint,
    await servedModel(deps, model, effect.version, policy, undefined),
  );
  // Still updating: the old variant is not gone yet, and the tick comes back until it is.
  if (!after.ready) throw new EndpointNotReadyError(effect.endpoint, after.status);
}
