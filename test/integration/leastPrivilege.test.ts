/**
 * Least privilege, proven: every function runs in the local runtime under its own role from the
 * packaged template, with IAM enforced by the emulator (a moto server of its own, with
 * INITIAL_NO_AUTH_ACTION_COUNT at 0 once the stack exists), through one scenario that makes every
 * call its code makes — a version registered (MLflow webhook), validated, approved by signed link,
 * rolled out on a SageMaker endpoint, a second version approved in Slack, its canary rolled back
 * by an Alertmanager alert and a CloudWatch alarm, every notification posted to Slack, each
 * validated version copied by the copier into another model, and the tick sweeping throughout. moto authorises each request's action (and SQS queue); each recorded
 * SDK call is also evaluated against the role's exact statements (resources, condition keys) with
 * an IAM policy simulator. A call the role does not allow fails this file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPromotionStore } from '../../lib/adapters/store/dynamoPromotionStore';
import { signInUrl } from '../../lib/app/ui/identity';
import { dynamoDocumentClient } from '../../lib/wiring/dynamoClient';
import { mlflowApi } from '../../local/mlflowApi';
import { deleteMlflowWebhook, ensureMlflowWebhook } from '../../local/mlflowWebhook';
import { awsClientConfig } from '../../local/resources';
import { type EnforcedStack, enforcedStack } from '../support/enforcedStack';
import { createRoleUser, motoPolicy, type Statement } from '../support/iamEnforcement';
import { allowed, deniedCalls } from '../support/iamSimulation';
import { uniqueName } from '../support/localStack';
import { startReceiver } from '../support/receiver';
import { eventually, settledPhase } from '../support/registryWaits';
import { approvalLinkIn, sesOutbox } from '../support/sesOutbox';
import { slackHeaders } from '../support/signing';

const region = 'ap-southeast-5';
const model = uniqueName('lp-fraud');
const endpoint = uniqueName('baton-lp');
const alarm = `${endpoint}-5xx`;
let enforced: EnforcedStack;
let slack: Awaited<ReturnType<typeof startReceiver>>;
let store: DynamoPromotionStore;
let webhookId: string;
const where = { region, accountId: '123456789012' };

const policy = `model: lp-*
checks:
  runStatus: [FINISHED]
  metrics: [{ name: val_auc, min: 0.8 }]
approval: { required: true, approvers: [U0LPAPPROVER, approver@example.com], minApprovals: 1, expiresAfter: 1h }
rollout:
  endpoint: { kind: sagemaker, name: ${endpoint}, image: 123456789012.dkr.ecr.${region}.amazonaws.com/lp:1 }
  steps: [50, 100]
  bakeTime: 2s
  deadline: 5m
  abortOnAlarms: [${alarm}]
promote: { copyTo: { model: copied-${model} }, when: validated }
onAlert:
  - { match: { labels: { alertname: HighErrorRate } }, action: rollback }
  - { match: { alarm: "${endpoint}-*" }, action: rollback }
`;

/** What the runtime logged, for a failure's message: the lines that say a call was refused. */
const refusal =
  /AccessDenied|NotAuthorized|not authorized|InvalidClientTokenId|UnrecognizedClient|HTTP 403|"httpStatusCode":403/i;
/** The calls the emulator refused, as `function Command: error`. */
const refusedCalls = () =>
  enforced
    .calls()
    .filter((c) => refusal.test(c.error ?? ''))
    .map((c) => `${c.function} ${c.command}: ${c.error}`);
/** What the runtime logged about a refused call (a function may log and retry rather than fail). */
const refusals = () => enforced.log.filter((l) => refusal.test(l));

/** Waits for the version's phase; on a timeout, says which calls the emulator refused meanwhile. */
const phaseOf = async (version: string, phases: string[], timeoutMs = 180_000) =>
  settledPhase(store, model, version, phases, timeoutMs).catch((error: Error) => {
    throw new Error(`${error.message}; refused: ${JSON.stringify([...new Set(refusedCalls())])}`);
  });

function slackClick(version: string) {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0LPAPPROVER' },
    trigger_id: '1.2.3',
    actions: [{ action_id: 'baton.approve', value: JSON.stringify({ model, version, decision: 'approve' }) }],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return fetch(`${enforced.runtime.ingressUrl}/slack/interactions`, {
    method: 'POST',
    headers: slackHeaders(enforced.stack.secrets.slackSigningSecret, body),
    body,
  });
}

function alertmanager(alertname: string, startsAt: string) {
  return fetch(`${enforced.runtime.ingressUrl}/alerts/alertmanager`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${enforced.stack.secrets.alertWebhookToken}`,
    },
    body: JSON.stringify({
      version: '4',
      groupKey: `{}:{alertname="${alertname}"}`,
      status: 'firing',
      receiver: 'baton',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://alertmanager.test',
      truncatedAlerts: 0,
      alerts: [
        {
          status: 'firing',
          labels: { alertname, model, endpoint },
          annotations: {},
          startsAt,
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus.test/graph',
          fingerprint: 'aaaa00000000lp01',
        },
      ],
    }),
  });
}

/** Signs in to the dashboard (ui) and reads its pages, as a person would. */
async function visitDashboard() {
  const { ingressUrl } = enforced.runtime;
  const key = enforced.stack.secrets.approvalLinkKey;
  // A sandbox's first start on a busy machine can outlast the function's timeout (a 500): ask again.
  const signIn = await eventually(
    async () => {
      const url = signInUrl(ingressUrl, key, 'approver@example.com', new Date());
      const response = await fetch(url, { redirect: 'manual' });
      return response.status < 500 ? response : undefined;
    },
    180_000,
    'the dashboard to sign in',
  );
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  for (const path of ['/ui', '/ui/approvals', `/ui/models/${model}`, `/ui/models/${model}/rollout`]) {
    expect((await fetch(`${ingressUrl}${path}`, { headers: { cookie } })).status).toBe(200);
  }
}

beforeAll(async () => {
  slack = await startReceiver((r) =>
    r.path === '/api/chat.postMessage' ? { status: 200, body: '{"ok":true}' } : { status: 200, body: 'ok' },
  );
  const policies = mkdtempSync(join(tmpdir(), 'baton-lp-policies-'));
  writeFileSync(join(policies, 'lp.yaml'), policy);
  enforced = await enforcedStack(
    region,
    { POLICIES_DIR: policies, SLACK_API_URL: `${slack.url}/api`, SLACK_CHANNEL: '#ml-releases' },
    async (stack) => {
      // The Slack secrets (a webhook for the channel, a bot token for direct messages) and the alarm the policy watches.
      const env = (id: string) =>
        (stack.template.Resources[id]!.Properties as { Environment: { Variables: Record<string, string> } })
          .Environment.Variables;
      const ssm = new SSMClient(awsClientConfig(stack.aws));
      const put = (Name: string, Value: string) =>
        ssm.send(new PutParameterCommand({ Name, Value, Type: 'SecureString', Overwrite: true }));
      await put(env('NotifierLambdaFunction').SLACK_WEBHOOK_URL_PARAM!, `${slack.url}/webhook`);
      await put(env('WorkerLambdaFunction').SLACK_BOT_TOKEN_PARAM!, 'xoxb-least-privilege');
      ssm.destroy();
      const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
      const cloudwatch = new CloudWatchClient(awsClientConfig(stack.aws));
      await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: alarm,
          MetricName: 'Invocation5XXErrors',
          Namespace: 'AWS/SageMaker',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 5,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
      cloudwatch.destroy();
    },
  );
  const aws = { ...enforced.stack.aws, credentials: enforced.admin };
  store = new DynamoPromotionStore(
    dynamoDocumentClient({ region, endpoint: aws.endpoint, credentials: enforced.admin }),
    enforced.stack.resources.resolveString({ Ref: 'BatonTable' }),
  );
  const api = mlflowApi(enforced.stack.mlflowUrl);
  webhookId = await ensureMlflowWebhook({
    mlflowUrl: enforced.stack.mlflowUrl,
    name: uniqueName('baton-lp'),
    url: `${enforced.runtime.ingressUrl}/webhooks/mlflow`,
    secret: enforced.stack.secrets.mlflowWebhookSecret,
  });
  await api.ensureRegisteredModel(model);

  // v1: registered → validated → approved by its e-mailed link (approvals) → rolled out → champion.
  const v1 = (await api.createModelVersion(model, await api.createRun('baton-lp', { val_auc: 0.93 })))
    .version;
  const mail = await sesOutbox(aws.endpoint).find((m) => m.subject.endsWith(`${model} v${v1}`), 180_000);
  const link = approvalLinkIn(mail.body)!;
  expect((await fetch(link)).status).toBe(200);
  const decided = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=approve',
  });
  expect(decided.status).toBeLessThan(400);
  await phaseOf(v1, ['promoted']);
  await visitDashboard();

  // v2: approved in Slack (slackInteractions), its canary rolled back by an alert (alertWebhook)
  // and an alarm on the alerts topic (alarmQueue).
  const v2 = (await api.createModelVersion(model, await api.createRun('baton-lp', { val_auc: 0.95 })))
    .version;
  await phaseOf(v2, ['awaiting_approval']);
  expect((await slackClick(v2)).status).toBe(200);
  await phaseOf(v2, ['rolling_out']);
  expect((await alertmanager('HighErrorRate', new Date().toISOString())).status).toBeLessThan(300);
  const sns = new SNSClient(awsClientConfig(aws));
  await sns.send(
    new PublishCommand({
      TopicArn: enforced.stack.resources.resolveString({ Ref: 'AlertsTopic' }),
      Message: JSON.stringify({
        AlarmName: alarm,
        AlarmArn: `arn:aws:cloudwatch:${region}:${where.accountId}:alarm:${alarm}`,
        NewStateValue: 'ALARM',
        OldStateValue: 'OK',
        NewStateReason: 'Threshold Crossed',
        StateChangeTime: new Date().toISOString(),
        Region: region,
        Trigger: {
          MetricName: 'Invocation5XXErrors',
          Dimensions: [{ name: 'EndpointName', value: endpoint }],
        },
      }),
    }),
  );
  sns.destroy();
  await phaseOf(v2, ['aborted', 'rolled_back']);
  // Every function has run, the notifier included, and the alarm reached the worker.
  await eventually(
    async () => {
      const ran = new Set(enforced.calls().map((c) => c.function.replace(/^baton-local-/, '')));
      return [...enforced.roleOf.keys()].every((fn) => ran.has(fn)) ? true : undefined;
    },
    180_000,
    'a call from every function',
  );
}, 900_000);

afterAll(async () => {
  if (webhookId) await deleteMlflowWebhook(enforced.stack.mlflowUrl, webhookId).catch(() => undefined);
  await enforced?.stop();
  await slack?.close();
});

const statementsOf = (fn: string): Statement[] =>
  enforced.roles.get(enforced.roleOf.get(fn.replace(/^baton-local-/, ''))!)!;

describe('each function under its own role, with IAM enforced', () => {
  it('runs every function of the template, each making AWS calls under its own keys', () => {
    const ran = new Set(enforced.calls().map((c) => c.function.replace(/^baton-local-/, '')));

    expect([...ran].sort()).toEqual([...enforced.roleOf.keys()].sort());
  });

  it('has no call refused by the emulator', () => {
    const refused = refusedCalls();

    expect(refused).toEqual([]);
    expect(refusals()).toEqual([]);
  });

  it("allows every recorded call by the role's exact statements: resources and condition keys", async () => {
    const denied = await deniedCalls(enforced.calls(), statementsOf, where);

    expect(denied).toEqual([]);
  });
});

describe('a role without a statement its code needs', () => {
  const withoutAction = (statements: Statement[], action: string): Statement[] =>
    statements
      .map((s) => ({ ...s, Action: [s.Action].flat().filter((a) => a !== action) }))
      .filter((s) => s.Action.length > 0);

  it("is refused by the simulator: the worker's recorded DescribeModel without sagemaker:DescribeModel", async () => {
    const reduced = withoutAction(statementsOf('worker'), 'sagemaker:DescribeModel');
    const calls = enforced.calls().filter((c) => c.function.endsWith('worker'));

    const denied = await deniedCalls(calls, () => reduced, where);

    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((d) => d.includes('SageMaker.DescribeModel → sagemaker:DescribeModel'))).toBe(true);
  });

  it("is refused by the emulator: DescribeModel with keys holding the worker's policy less that action", async () => {
    const client = async (statements: Statement[]) =>
      new SageMakerClient({
        region,
        endpoint: enforced.stack.aws.endpoint,
        credentials: await createRoleUser(
          enforced.iam,
          uniqueName('baton-worker-copy'),
          motoPolicy(statements),
        ),
        maxAttempts: 1,
      });
    const full = await client(statementsOf('worker'));
    const reduced = await client(withoutAction(statementsOf('worker'), 'sagemaker:DescribeModel'));
    const describe = new DescribeModelCommand({ ModelName: `${endpoint}-v1` });

    const asWorker = await full.send(describe);
    // moto answers this JSON-protocol refusal in XML, which the client cannot parse: the status says it.
    const refused = await reduced
      .send(describe)
      .catch((error: { $metadata?: { httpStatusCode?: number } }) => error);

    expect(asWorker.ModelName).toBe(`${endpoint}-v1`);
    expect(refused).toMatchObject({ $metadata: { httpStatusCode: 403 } });
    full.destroy();
    reduced.destroy();
  });

  it.each([
    ['approvals', 'dynamodb:PutItem', 'table', { 'dynamodb:LeadingKeys': ['MODEL#fraud'] }],
    ['notifier', 'dynamodb:UpdateItem', 'table', { 'dynamodb:LeadingKeys': ['CHAMPIONS'] }],
    ['tick', 'dynamodb:PutItem', 'table', { 'dynamodb:LeadingKeys': ['MODEL#fraud'] }],
    [
      'worker',
      'sagemaker:UpdateEndpoint',
      'arn:aws:sagemaker:ap-southeast-5:123456789012:endpoint/fraud-prod',
      {},
    ],
    ['worker', 'sqs:SendMessage', 'arn:aws:sqs:eu-west-1:999999999999:baton-retrain-x', {}],
    ['worker', 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:123456789012:baton-retrain-x', {}],
  ])('refuses the %s role %s on %s beyond its own', async (fn, action, resource, context) => {
    const table = `arn:aws:dynamodb:${region}:${where.accountId}:table/${enforced.stack.resources.resolveString({ Ref: 'BatonTable' })}`;

    const ok = await allowed(
      { action, resource: resource === 'table' ? table : resource, context },
      statementsOf(fn),
      where,
    );

    expect(ok).toBe(false);
  });
});
