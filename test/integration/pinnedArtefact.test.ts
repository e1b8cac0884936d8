/**
 * The approved artefact is pinned, end to end: the real MLflow server, the emulator's SageMaker,
 * Baton's functions in the local runtime with the tick every second. A version approved with
 * `sagemaker.image` = A is deployed with image A; when the tag is changed to B after approval,
 * the next step stops the rollout with a reason naming the tag, and the champion serves alone.
 */
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../events/notification';
import { SqsEventQueue } from '../../lib/adapters/queue/sqsEventQueue';
import { sageMakerModelName } from '../../lib/adapters/serving/sagemakerEndpoint';
import type { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { mlflowApi } from '../../local/mlflowApi';
import { awsClientConfig, localCredentials } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { type TestSageMaker, testSageMaker } from '../support/awsCalls';
import { testStack, testStore, uniqueName } from '../support/localStack';
import { notificationProbe } from '../support/notificationProbe';
import { eventually, settledPhase, tagsOf } from '../support/registryWaits';

let stack: LocalStack;
let api: ReturnType<typeof mlflowApi>;
let store: DynamoPromotionStore;
let probe: Awaited<ReturnType<typeof notificationProbe>>;
let sagemaker: TestSageMaker;
let queue: SqsEventQueue;
const model = uniqueName('pin-fraud');
const endpoint = 'pin-prod';
const imageA = '000000000000.dkr.ecr.ap-northeast-1.amazonaws.com/pin:A';
const imageB = '000000000000.dkr.ecr.ap-northeast-1.amazonaws.com/pin:B';

beforeAll(async () => {
  stack = await testStack('ap-northeast-1', {
    scheduleSeconds: 1,
    env: { POLICIES_DIR: resolve('test/fixtures/pinned-policies') },
  });
  api = mlflowApi(stack.mlflowUrl);
  store = testStore(stack);
  probe = await notificationProbe(stack);
  sagemaker = testSageMaker({
    region: stack.aws.region,
    credentials: localCredentials,
    env: { AWS_ENDPOINT_URL: stack.aws.endpoint },
  });
  queue = new SqsEventQueue(
    new SQSClient(awsClientConfig(stack.aws)),
    stack.resources.resolveString({ Ref: 'PromotionQueue' }),
  );
  await api.ensureRegisteredModel(model);
});
afterAll(async () => {
  await stack?.stop();
});

/** What the endpoint serves, by version, as DescribeEndpoint says. */
async function liveWeights(): Promise<Record<string, number>> {
  try {
    const described = await sagemaker.call<{
      ProductionVariants?: Array<{ VariantName: string; CurrentWeight?: number }>;
    }>('DescribeEndpoint', { EndpointName: endpoint });
    const variants = described.ProductionVariants ?? [];
    const total = variants.reduce((sum, v) => sum + (v.CurrentWeight ?? 0), 0);
    return Object.fromEntries(
      variants.map((v) => [
        v.VariantName.replace(/^v/, ''),
        Math.round(((v.CurrentWeight ?? 0) / total) * 100),
      ]),
    );
  } catch {
    return {};
  }
}

/** The image of the SageMaker model Baton created for a version, as DescribeModel says. */
async function deployedImage(version: string): Promise<string> {
  const described = await sagemaker.call<{ PrimaryContainer: { Image: string } }>('DescribeModel', {
    ModelName: sageMakerModelName(endpoint, version),
  });
  return described.PrimaryContainer.Image;
}

type Request = Extract<Notification, { kind: 'approval.requested' }>;

async function registerWithImage(image: string): Promise<{ version: string; request: Request }> {
  const runId = await api.createRun('baton-pinned-tests', { val_auc: 0.93 });
  const created = await api.createModelVersion(model, runId, { tags: { 'sagemaker.image': image } });
  const request = (await probe.find(
    (n) => n.kind === 'approval.requested' && n.model === model && n.version === created.version,
  )) as Request;
  return { version: created.version, request };
}

function approve(version: string) {
  return queue.enqueue({
    type: 'decision',
    model,
    version,
    decision: 'approve',
    actor: 'U0APPROVER',
    via: 'cli',
    deliveryId: `test:${version}:${Date.now()}`,
    receivedAt: new Date().toISOString(),
  });
}

function setImageTag(version: string, value: string) {
  return api.call('POST', 'model-versions/set-tag', { name: model, version, key: 'sagemaker.image', value });
}

async function phaseOf(version: string) {
  return (await store.getVersion(model, version))?.phase;
}

describe('the approved artefact is pinned', () => {
  let champion: string;

  beforeAll(async () => {
    // A champion on the endpoint first, so the challenger shares it in canary steps.
    const first = await registerWithImage(imageA);
    champion = first.version;
    await approve(champion);
    await settledPhase(store, model, champion, ['promoted'], 60_000);
  });

  it('shows the approvers the image a rollout will deploy, and stores it with the verdict', async () => {
    const { version, request } = await registerWithImage(imageA);

    expect(request.artefact).toMatchObject({
      kind: 'sagemaker',
      image: imageA,
      instanceType: 'ml.m5.large',
      instanceCount: 1,
      tags: { 'sagemaker.image': imageA },
    });
    expect((await store.getVersion(model, version))?.artefact).toEqual(request.artefact);
    const [verdict] = (await store.listAudit(model)).filter(
      (a) => a.version === version && a.kind === 'validation.passed',
    );
    expect(verdict?.evidence.artefact).toEqual(request.artefact);
  });

  it('stops the rollout when the image tag changes after approval: champion alone, people told, image A deployed', async () => {
    const { version } = await registerWithImage(imageA);
    await approve(version);
    await eventually(
      async () => ((await liveWeights())[version] === 10 ? true : undefined),
      30_000,
      'step 1 live',
    );

    await setImageTag(version, imageB);

    const aborted = await probe.find(
      (n) => n.kind === 'rollout.aborted' && n.model === model && n.version === version,
      60_000,
    );
    const reason = `sagemaker.image changed after approval: was ${imageA}, now ${imageB}`;
    expect(aborted).toMatchObject({ endpoint, champion, by: 'baton', reason });
    expect(await liveWeights()).toEqual({ [champion]: 100, [version]: 0 });
    expect(await deployedImage(version)).toBe(imageA);
    const tags = tagsOf(await api.getModelVersion(model, version));
    expect(tags['baton.phase']).toBe('aborted');
    expect(tags['baton.abort_reason']).toBe(reason);
    expect((await api.getModelVersion(model, champion)).aliases).toContain('champion');
    expect(await phaseOf(version)).toBe('aborted');
    const kinds = (await store.listAudit(model)).filter((a) => a.version === version).map((a) => a.kind);
    expect(kinds.filter((k) => k === 'rollout.step')).toHaveLength(1);
    expect(kinds.at(-1)).toBe('rollout.aborted');
  });
});
