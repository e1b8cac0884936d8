/**
 * Which artefact a traffic shift deploys for a version the endpoint does not serve yet: the one
 * the effect carries, else the one pinned on the version's record, else (a record from before
 * pinning) the version's tags read at shift time.
 */
import { describe, expect, it } from 'vitest';
import { shiftTraffic } from '../../lib/app/traffic';
import type { Artefact } from '../../lib/domain/artefact';
import type { EndpointTraffic, ServedModel, ServingEndpoint, Weights } from '../../lib/domain/servingPorts';
import { aPolicy, aVersion } from '../support/builders';
import { MemoryRegistry } from '../support/fakes';

/** An endpoint in memory that remembers the models it was asked to deploy. */
class RecordingEndpoint implements ServingEndpoint {
  readonly kind = 'sagemaker';
  deployed: ServedModel[] = [];
  private weights: Weights = {};
  private traffic(endpoint: string): EndpointTraffic {
    const variants = Object.entries(this.weights).map(([version, weight]) => ({
      variant: `v${version}`,
      version,
      weight,
    }));
    return { endpoint, status: 'InService', ready: true, variants };
  }
  async describe(endpoint: string) {
    return this.deployed.length ? this.traffic(endpoint) : null;
  }
  async prepare(endpoint: string, versions: ServedModel[]) {
    for (const m of versions) {
      if (this.weights[m.version] !== undefined) continue;
      this.deployed.push(m);
      this.weights[m.version] = Object.keys(this.weights).length === 0 ? 100 : 0;
    }
    return this.traffic(endpoint);
  }
  async setWeights(endpoint: string, weights: Weights) {
    this.weights = Object.fromEntries(Object.keys(this.weights).map((v) => [v, weights[v] ?? 0]));
    return this.traffic(endpoint);
  }
  async finalise(endpoint: string) {
    return this.traffic(endpoint);
  }
}

const policy = aPolicy({
  rollout: {
    endpoint: { kind: 'sagemaker', name: 'fraud-prod', image: 'ecr/fraud:policy' },
    steps: [10, 100],
  },
});
const pinnedA: Artefact = {
  kind: 'sagemaker',
  image: 'ecr/fraud:A',
  modelDataUrl: 's3://m/7.tar.gz',
  instanceType: 'ml.m5.large',
  instanceCount: 1,
  tags: { 'sagemaker.image': 'ecr/fraud:A' },
};
const champion6: Artefact = { ...pinnedA, image: 'ecr/fraud:6', tags: { 'sagemaker.image': 'ecr/fraud:6' } };

function world() {
  const registry = new MemoryRegistry();
  // What the registry says now: both tags were changed after approval.
  registry.add(aVersion({ name: 'fraud', version: '6', tags: { 'sagemaker.image': 'ecr/fraud:B6' } }));
  registry.add(aVersion({ name: 'fraud', version: '7', tags: { 'sagemaker.image': 'ecr/fraud:B' } }));
  const serving = new RecordingEndpoint();
  return { registry, serving };
}
const shift = { endpoint: 'fraud-prod', kind: 'sagemaker' as const, weights: { '6': 90, '7': 10 } };
const images = (serving: RecordingEndpoint) =>
  serving.deployed.map((m) => [
    m.version,
    m.artefact?.kind === 'sagemaker' ? m.artefact.image : m.tags['sagemaker.image'],
  ]);

describe('deploying a version for a traffic shift', () => {
  it('deploys the artefact the effect carries and the champion pinned on its record', async () => {
    const { registry, serving } = world();
    const pinned = async (_: string, version: string) => (version === '6' ? champion6 : undefined);

    await shiftTraffic({ registry, serving: () => serving, pinned }, 'fraud', policy, {
      ...shift,
      artefacts: { '7': pinnedA },
    });

    expect(images(serving)).toEqual([
      ['6', 'ecr/fraud:6'],
      ['7', 'ecr/fraud:A'],
    ]);
    expect(serving.deployed.find((m) => m.version === '7')).toMatchObject({
      artefact: pinnedA,
      tags: { 'sagemaker.image': 'ecr/fraud:A' },
    });
  });

  it('reads the tags at shift time for records from before pinning', async () => {
    const { registry, serving } = world();

    await shiftTraffic({ registry, serving: () => serving }, 'fraud', policy, shift);

    expect(images(serving)).toEqual([
      ['6', 'ecr/fraud:B6'],
      ['7', 'ecr/fraud:B'],
    ]);
    expect(serving.deployed.every((m) => m.artefact === undefined)).toBe(true);
  });
});
