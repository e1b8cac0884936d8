/**
 * The SageMaker adapter against moto's SageMaker (with local/motoServer.py's UpdateEndpoint):
 * an endpoint created, a challenger joined, traffic shifted step by step and the champion left
 * alone, each state read back from the emulator — through the adapter and through a raw call.
 */
import { describe, expect, inject, it } from 'vitest';
import { ServingConfigurationError, UnknownVariantError } from '../../lib/adapters/serving/errors';
import { SageMakerEndpoint, sageMakerModelName } from '../../lib/adapters/serving/sagemakerEndpoint';
import type { ServedModel } from '../../lib/domain/servingPorts';
import { type TestSageMaker, testSageMaker } from '../support/awsCalls';
import { uniqueName } from '../support/localStack';

const client: TestSageMaker = testSageMaker({
  region: 'us-east-2',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  env: { AWS_ENDPOINT_URL: inject('motoUrl') },
});
const serving = new SageMakerEndpoint({
  client,
  executionRoleArn: 'arn:aws:iam::123456789012:role/baton-models',
  pollMs: 50,
});

const version = (v: string, tags: Record<string, string> = {}): ServedModel => ({
  model: 'fraud-detector',
  version: v,
  source: `s3://models/fraud-detector/${v}/model.tar.gz`,
  tags: { 'sagemaker.image': '123456789012.dkr.ecr.us-east-2.amazonaws.com/fraud:1', ...tags },
});

interface RawEndpoint {
  EndpointConfigName: string;
  EndpointStatus: string;
  LastModifiedTime: number;
  ProductionVariants: Array<{ VariantName: string; CurrentWeight?: number }>;
}
/** What SageMaker itself reports, read without the adapter. */
async function rawWeights(endpoint: string) {
  const raw = await client.call<RawEndpoint>('DescribeEndpoint', { EndpointName: endpoint });
  return {
    config: raw.EndpointConfigName,
    modified: raw.LastModifiedTime,
    weights: Object.fromEntries(raw.ProductionVariants.map((v) => [v.VariantName, v.CurrentWeight ?? 0])),
  };
}

describe('a rollout on a SageMaker endpoint', () => {
  const endpoint = uniqueName('fraud-prod');
  const v1 = version('1');
  const v2 = version('2', { 'sagemaker.instance_type': 'ml.c5.large' });

  it('creates the endpoint with its first version at 100 %', async () => {
    const traffic = await serving.prepare(endpoint, [v1]);

    expect(traffic).toEqual({
      endpoint,
      status: 'InService',
      ready: true,
      variants: [{ variant: 'v1', version: '1', weight: 100 }],
    });
    const model = await client.call<{ PrimaryContainer: Record<string, string> }>('DescribeModel', {
      ModelName: sageMakerModelName(endpoint, '1'),
    });
    expect(model.PrimaryContainer).toMatchObject({
      Image: '123456789012.dkr.ecr.us-east-2.amazonaws.com/fraud:1',
      ModelDataUrl: 's3://models/fraud-detector/1/model.tar.gz',
    });
  });

  it('adds a challenger at 0 % next to the champion', async () => {
    const traffic = await serving.prepare(endpoint, [v1, v2]);

    expect(traffic.variants).toEqual([
      { variant: 'v1', version: '1', weight: 100 },
      { variant: 'v2', version: '2', weight: 0 },
    ]);
    expect(await serving.describe(endpoint)).toEqual(traffic);
    expect((await rawWeights(endpoint)).weights).toEqual({ v1: 100, v2: 0 });
    const { config } = await rawWeights(endpoint);
    const described = await client.call<{ ProductionVariants: Array<Record<string, unknown>> }>(
      'DescribeEndpointConfig',
      { EndpointConfigName: config },
    );
    expect(described.ProductionVariants).toContainEqual(
      expect.objectContaining({ VariantName: 'v2', InstanceType: 'ml.c5.large', InitialVariantWeight: 0 }),
    );
  });

  it('leaves the endpoint alone when prepared again with the same versions', async () => {
    const before = await rawWeights(endpoint);

    const traffic = await serving.prepare(endpoint, [v2, v1]);

    expect(await rawWeights(endpoint)).toEqual(before);
    expect(traffic.variants.map((v) => v.weight)).toEqual([100, 0]);
  });

  it.each([
    [
      { '1': 90, '2': 10 },
      { v1: 90, v2: 10 },
    ],
    [
      { '1': 50, '2': 50 },
      { v1: 50, v2: 50 },
    ],
    [{ '2': 100 }, { v1: 0, v2: 100 }],
  ])('shifts traffic to %j and reads it back', async (weights, expected) => {
    const traffic = await serving.setWeights(endpoint, weights);

    expect(Object.fromEntries(traffic.variants.map((v) => [v.variant, v.weight]))).toEqual(expected);
    expect((await rawWeights(endpoint)).weights).toEqual(expected);
  });

  it('refuses weights for a version the endpoint does not serve', async () => {
    await expect(serving.setWeights(endpoint, { '1': 50, '9': 50 })).rejects.toThrow(UnknownVariantError);
    expect((await rawWeights(endpoint)).weights).toEqual({ v1: 0, v2: 100 });
  });

  it('finalises to the kept version alone, keeping the old model', async () => {
    const traffic = await serving.finalise(endpoint, v2);

    expect(traffic.variants).toEqual([{ variant: 'v2', version: '2', weight: 100 }]);
    expect((await rawWeights(endpoint)).weights).toEqual({ v2: 100 });
    await expect(
      client.call('DescribeModel', { ModelName: sageMakerModelName(endpoint, '1') }),
    ).resolves.toMatchObject({ ModelName: sageMakerModelName(endpoint, '1') });
  });

  it('finalises again without another update', async () => {
    const before = await rawWeights(endpoint);

    await serving.finalise(endpoint, v2);

    expect(await rawWeights(endpoint)).toEqual(before);
  });
});

describe('the SageMaker adapter', () => {
  it('describes an endpoint that does not exist as null', async () => {
    expect(await serving.describe(uniqueName('never-created'))).toBeNull();
  });

  it('names the missing image and where to set it', async () => {
    const endpoint = uniqueName('no-image');
    const noImage: ServedModel = { model: 'fraud-detector', version: '4', tags: {} };

    const failure = serving.prepare(endpoint, [noImage]);

    await expect(failure).rejects.toThrow(ServingConfigurationError);
    await expect(failure).rejects.toThrow(/sagemaker\.image.*rollout\.endpoint\.image/);
    expect(await serving.describe(endpoint)).toBeNull();
  });

  it('names the missing execution role', async () => {
    const withoutRole = new SageMakerEndpoint({ client });

    await expect(withoutRole.prepare(uniqueName('no-role'), [version('5')])).rejects.toThrow(
      /no execution role: set rollout\.endpoint\.executionRoleArn/,
    );
  });

  it("deploys the pinned artefact, not what the version's tags say now", async () => {
    const endpoint = uniqueName('pinned');
    const retagged: ServedModel = {
      ...version('6', { 'sagemaker.image': 'ecr.example/fraud:B', 'sagemaker.instance_type': 'ml.c5.large' }),
      artefact: {
        kind: 'sagemaker',
        image: 'ecr.example/fraud:A',
        modelDataUrl: 's3://models/fraud-detector/6/pinned.tar.gz',
        instanceType: 'ml.m5.xlarge',
        instanceCount: 1,
        tags: { 'sagemaker.image': 'ecr.example/fraud:A' },
      },
    };

    await serving.prepare(endpoint, [retagged]);

    const model = await client.call<{ PrimaryContainer: Record<string, string> }>('DescribeModel', {
      ModelName: sageMakerModelName(endpoint, '6'),
    });
    expect(model.PrimaryContainer).toMatchObject({
      Image: 'ecr.example/fraud:A',
      ModelDataUrl: 's3://models/fraud-detector/6/pinned.tar.gz',
    });
    const { config } = await rawWeights(endpoint);
    const described = await client.call<{ ProductionVariants: Array<Record<string, unknown>> }>(
      'DescribeEndpointConfig',
      { EndpointConfigName: config },
    );
    expect(described.ProductionVariants).toEqual([
      expect.objectContaining({ VariantName: 'v6', InstanceType: 'ml.m5.xlarge', InitialInstanceCount: 1 }),
    ]);
  });

  it('keeps model names within SageMaker limits', () => {
    const name = sageMakerModelName(`fraud_detector.${'x'.repeat(80)}`, '12');

    expect(name).toMatch(/^[A-Za-z0-9](-*[A-Za-z0-9]){0,62}$/);
    expect(sageMakerModelName('fraud_detector.prod', '12')).toBe('fraud-detector-prod-v12');
  });
});
