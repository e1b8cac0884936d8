/**
 * The `npm start` demo, in two parts.
 *
 * 1. Validation: two training runs with metrics, a model version registered from each — one
 *    that passes the demo policy (policies/baton-demo.yaml) and one that fails it — and both
 *    verdicts read back from MLflow, where Baton wrote them through MLflow's own webhook, the
 *    ingress, the promotion queue and the worker.
 * 2. Canary and rollback (policies/baton-demo-canary.yaml): a first version takes the emulator's
 *    SageMaker endpoint alone, a second one is rolled out beside it 50/50 then 0/100, and a
 *    CloudWatch alarm published on the alerts topic rolls it back. Traffic is read back with
 *    DescribeEndpoint, aliases and tags from MLflow, as an operator would.
 */
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SageMakerEndpoint } from '../lib/adapters/serving/sagemakerEndpoint';
import { DynamoPromotionStore } from '../lib/adapters/store/dynamoPromotionStore';
import { type Weights, weightsOf } from '../lib/domain/servingPorts';
import { cloudWatchClient } from '../lib/wiring/cloudWatchClient';
import { dynamoDocumentClient } from '../lib/wiring/dynamoClient';
import { sageMakerClient } from '../lib/wiring/sageMakerClient';
import { snsClient } from '../lib/wiring/snsClient';
import { type ModelVersion, mlflowApi } from './mlflowApi';
import { localCredentials } from './resources';
import type { LocalStack } from './stack';

export const demoModel = 'baton-demo';
export const canaryModel = 'baton-demo-canary';
/** The endpoint and alarm policies/baton-demo-canary.yaml names. */
const endpoint = 'baton-demo-prod';
const alarm = `${endpoint}-5xx`;

type MlflowApi = ReturnType<typeof mlflowApi>;

const candidates = [
  { label: 'a good candidate', metrics: { val_auc: 0.91, val_logloss: 0.31 }, tags: { git_sha: '4f2c1ab' } },
  {
    label: 'a weak candidate',
    metrics: { val_auc: 0.72, val_logloss: 0.45 },
    tags: {} as Record<string, string>,
  },
];

const tagsOf = (v: ModelVersion) => Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value]));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Polls until `probe` returns a value, or undefined after `timeoutMs`. */
async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(100);
  }
  return undefined;
}

async function verdictOf(api: MlflowApi, version: string, timeoutMs: number) {
  return until(async () => {
    const v = await api.getModelVersion(demoModel, version);
    return ['PASSED', 'FAILED'].includes(tagsOf(v).validation_status ?? '') ? v : undefined;
  }, timeoutMs);
}

async function validationDemo(api: MlflowApi): Promise<boolean> {
  await api.ensureRegisteredModel(demoModel, 'Demo model registered by `npm start`');
  let ok = true;
  for (const candidate of candidates) {
    const runId = await api.createRun('baton-demo', candidate.metrics);
    const started = Date.now();
    const created = await api.createModelVersion(demoModel, runId, {
      description: `demo: ${candidate.label}`,
      tags: candidate.tags,
    });
    console.log(
      `\nDemo: registered ${demoModel} v${created.version} (${candidate.label}, ${JSON.stringify(candidate.metrics)})`,
    );
    const version = await verdictOf(api, created.version, 30_000);
    if (!version) {
      console.log(`Demo: ✗ no verdict on ${demoModel} v${created.version} within 30 s (see the logs above)`);
      ok = false;
      continue;
    }
    const tags = tagsOf(version);
    console.log(
      `Demo: ✓ MLflow shows validation_status=${tags.validation_status} on v${created.version} ` +
        `${Date.now() - started} ms after registration; aliases: ${(version.aliases ?? []).join(', ') || 'none'}`,
    );
    for (const [key, value] of Object.entries(tags).filter(([k]) => k.startsWith('baton.check.'))) {
      console.log(`        ${key.padEnd(36)} ${value}`);
    }
  }
  return ok;
}

/** The emulator's services as the canary demo reads and drives them. */
function canaryClients(stack: LocalStack) {
  const on = { region: stack.aws.region, endpoint: stack.aws.endpoint, credentials: localCredentials };
  const sns = snsClient(on);
  return {
    serving: new SageMakerEndpoint({ client: sageMakerClient(on) }),
    cloudwatch: cloudWatchClient(on),
    sns,
    store: new DynamoPromotionStore(
      dynamoDocumentClient(on),
      stack.resources.resolveString({ Ref: 'BatonTable' }),
    ),
    alertsTopic: stack.resources.resolveString({ Ref: 'AlertsTopic' }),
    destroy() {
      sns.destroy();
    },
  };
}
type CanaryClients = ReturnType<typeof canaryClients>;

/** What DescribeEndpoint reports now, by version; empty while there is no endpoint. */
async function weightsNow(aws: CanaryClients): Promise<Weights> {
  return weightsOf(await aws.serving.describe(endpoint).catch(() => null));
}

/** `v1 50 % · v2 50 %` */
const shares = (weights: Weights) =>
  Object.entries(weights)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([version, share]) => `v${version} ${share} %`)
    .join(' · ');

async function aliasesOf(api: MlflowApi, versions: string[]): Promise<string> {
  const held = await Promise.all(
    versions.map(
      async (v) => `v${v} ${(await api.getModelVersion(canaryModel, v)).aliases?.join(', ') || 'none'}`,
    ),
  );
  return held.join(' · ');
}

/**
 * The canary model's versions from an earlier `npm start` outlive the emulator's endpoint and
 * Baton's records. Baton would adopt them from their tags (a restart moves no alias), but their
 * champion has no variant on the fresh endpoint, so a new canary could not share it with them.
 * Deleting them starts each demo afresh; MLflow keeps counting versions. The validation demo's
 * versions are kept: the first sweeps adopt them as their tags say.
 */
async function retireEarlierVersions(api: MlflowApi): Promise<void> {
  const filter = encodeURIComponent(`name='${canaryModel}'`);
  const { model_versions = [] } = await api.call<{ model_versions?: ModelVersion[] }>(
    'GET',
    `model-versions/search?filter=${filter}&max_results=1000`,
  );
  model_versions.sort((a, b) => Number(a.version) - Number(b.version));
  for (const { version } of model_versions) {
    await api.call('DELETE', 'model-versions/delete', { name: canaryModel, version });
  }
  if (model_versions.length > 0) {
    const list = model_versions.map((v) => `v${v.version}`).join(', ');
    console.log(
      `\nDemo: deleted ${canaryModel} ${list} left by an earlier run (their endpoint went with the emulator)`,
    );
  }
}

/** Registers a version and prints each traffic reading until Baton has promoted it. */
async function rollOut(api: MlflowApi, aws: CanaryClients, label: string, valAuc: number) {
  const runId = await api.createRun(canaryModel, { val_auc: valAuc });
  // Only changes are printed: the champion's traffic before the rollout is already known.
  let shown = shares(await weightsNow(aws));
  const started = Date.now();
  const { version } = await api.createModelVersion(canaryModel, runId, { description: `demo: ${label}` });
  console.log(`\nDemo: registered ${canaryModel} v${version} (${label})`);
  const promoted = await until(async () => {
    const now = shares(await weightsNow(aws));
    if (now && now !== shown) {
      console.log(`Demo:   after ${seconds(started).padStart(6)}  ${endpoint}: ${now}`);
      shown = now;
    }
    // Baton stores its decision before it moves the aliases: done when no stored effect is left.
    const state = await aws.store.getVersion(canaryModel, version);
    return state?.phase === 'promoted' && !state.intent?.effects.length ? true : undefined;
    // Generous: a busy machine slows every hop; a lost webhook is swept by the reconciler after a minute.
  }, 120_000);
  if (!promoted)
    console.log(`Demo: ✗ ${canaryModel} v${version} not promoted within 120 s (see the logs above)`);
  else console.log(`Demo: ✓ v${version} promoted ${seconds(started)} after registration`);
  return promoted ? version : undefined;
}

/** What CloudWatch publishes on an alarm's SNS action (moto does not, so the demo does). */
function alarmMessage(region: string, accountId: string) {
  return JSON.stringify({
    AlarmName: alarm,
    AlarmArn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${alarm}`,
    NewStateValue: 'ALARM',
    OldStateValue: 'OK',
    NewStateReason: 'Threshold Crossed: 12 5xx in 1 minute (demo)',
    StateChangeTime: new Date().toISOString(),
    Region: region,
    Trigger: { MetricName: 'Invocation5XXErrors', Dimensions: [{ name: 'EndpointName', value: endpoint }] },
  });
}

async function canaryDemo(stack: LocalStack, api: MlflowApi, aws: CanaryClients): Promise<boolean> {
  console.log(
    `\nDemo: canary rollouts of ${canaryModel} on the emulator's SageMaker endpoint ${endpoint} ` +
      `(policies/${canaryModel}.yaml: steps 50 → 100, 3 s bake, watching alarm ${alarm})`,
  );
  await aws.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: alarm,
      MetricName: 'Invocation5XXErrors',
      Namespace: 'AWS/SageMaker',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'EndpointName', Value: endpoint }],
    }),
  );
  await aws.cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'OK', StateReason: 'demo' }),
  );

  const v1 = await rollOut(api, aws, 'first version: the endpoint is created for it alone', 0.9);
  if (!v1) return false;
  console.log(`Demo:   MLflow aliases: ${await aliasesOf(api, [v1])}`);
  const v2 = await rollOut(api, aws, `a canary beside champion v${v1}`, 0.92);
  if (!v2) return false;
  console.log(`Demo:   MLflow aliases: ${await aliasesOf(api, [v1, v2])}`);

  await aws.cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'demo' }),
  );
  const published = Date.now();
  await aws.sns.send(
    new PublishCommand({
      TopicArn: aws.alertsTopic,
      Message: alarmMessage(stack.aws.region, stack.aws.accountId),
    }),
  );
  console.log(`\nDemo: CloudWatch alarm ${alarm} → ALARM, published on the alerts topic`);
  // Complete when the rollback is on record and applied: traffic, the champion alias and the tags.
  const demoted = await until(async () => {
    const state = await aws.store.getVersion(canaryModel, v2);
    if (state?.phase !== 'rolled_back' || state.intent?.effects.length) return undefined;
    const back = (await api.getModelVersion(canaryModel, v1)).aliases?.includes('champion');
    const tagged = tagsOf(await api.getModelVersion(canaryModel, v2))['baton.phase'] === 'rolled_back';
    return back && tagged && (await weightsNow(aws))[v1] === 100 ? true : undefined;
  }, 30_000);
  if (!demoted) {
    console.log(`Demo: ✗ no rollback of ${canaryModel} v${v2} within 30 s (see the logs above)`);
    return false;
  }
  console.log(
    `Demo: ✓ rolled back ${Date.now() - published} ms after the alarm was published: champion back on v${v1}; ` +
      `${endpoint}: ${shares(await weightsNow(aws))}`,
  );
  console.log(`Demo:   MLflow aliases: ${await aliasesOf(api, [v1, v2])}`);
  const tags = tagsOf(await api.getModelVersion(canaryModel, v2));
  const shown = Object.entries(tags).filter(([k]) => /^baton\.(phase|rollback_|rolled_back_)/.test(k));
  for (const [key, value] of shown.sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`        ${key.padEnd(36)} ${value}`);
  }
  return true;
}

export async function runDemo(stack: LocalStack): Promise<boolean> {
  const started = Date.now();
  const api = mlflowApi(stack.mlflowUrl);
  await api.ensureRegisteredModel(canaryModel, 'Canary demo model registered by `npm start`');
  await retireEarlierVersions(api);
  const validated = await validationDemo(api);
  const aws = canaryClients(stack);
  const rolledBack = await canaryDemo(stack, api, aws)
    .catch((error: Error) => {
      console.log(`Demo: ✗ the canary demo failed: ${error.message}`);
      return false;
    })
    .finally(() => aws.destroy());
  console.log(
    `\nDemo: ${validated && rolledBack ? 'done' : 'finished with failures'} in ${seconds(started)}`,
  );
  console.log(`Open ${stack.mlflowUrl}/#/models/${demoModel} to see the tags and aliases in MLflow's UI`);
  console.log(`  (and ${stack.mlflowUrl}/#/models/${canaryModel} for the canary's).`);
  return validated && rolledBack;
}
