import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type CfnResource, type CfnTemplate, packageService, readTemplate } from '../../local/template';

// `serverless package` with no credentials anywhere in reach: it must work offline.
let template: CfnTemplate;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-package-'));
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'no-credentials');
  process.env.AWS_CONFIG_FILE = join(dir, 'no-config');
  try {
    packageService({ stage: 'prod', dir });
  } finally {
    process.env = saved;
  }
  template = readTemplate(dir);
}, 120_000);

const ofType = (type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type) as Array<[string, CfnResource]>;
const props = (id: string) => template.Resources[id]!.Properties as Record<string, any>;
/** Every Allow statement of every role's inline policies, with the role's logical id. */
const allowStatements = () =>
  ofType('AWS::IAM::Role').flatMap(([id, role]) =>
    ((role.Properties as any).Policies ?? []).flatMap((policy: any) =>
      (policy.PolicyDocument.Statement as any[])
        // A statement under Fn::If counts with whichever branch is a statement.
        .flatMap((s) => (s['Fn::If'] ? s['Fn::If'].slice(1) : [s]))
        .filter((s) => s.Effect === 'Allow')
        .map((s) => [id, s] as [string, any]),
    ),
  ) as Array<[string, any]>;
/** Services whose ARNs have no region (IAM roles). */
const globalServices = new Set(['iam']);
/**
 * Actions that support no resource-level permissions (AWS's Service Authorization Reference), for
 * which Resource "*" is the only value IAM accepts; it reaches this account only.
 */
const noResourceLevel = new Set(['cloudwatch:GetMetricData', 'cloudwatch:PutMetricData']);
/** Writes with no resource-level permissions, allowed on "*" only under the condition key that scopes them. */
const scopedWrites: Record<string, string> = { 'cloudwatch:PutMetricData': 'cloudwatch:namespace' };
const functionNames = [
  'registryWebhook',
  'worker',
  'copier',
  'alarmQueue',
  'notifier',
  'slackInteractions',
  'approvals',
  'alertWebhook',
  'tick',
  'ui',
];

describe('the packaged CloudFormation template', () => {
  it('declares every function on nodejs22.x with a zip of its own', () => {
    const functions = ofType('AWS::Lambda::Function').map(([, r]) => r.Properties as Record<string, any>);
    expect(functions.map((f) => f.FunctionName).sort()).toEqual(
      functionNames.map((n) => `baton-prod-${n}`).sort(),
    );
    for (const f of functions) expect(f.Runtime).toBe('nodejs22.x');
    for (const name of functionNames) expect(statSync(join(dir, `${name}.zip`)).size).toBeGreaterThan(0);
  });

  it('routes every HTTP endpoint to its function', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(
      ([, r]) => (r.Properties as { RouteKey: string }).RouteKey,
    );
    expect(routes.sort()).toEqual(
      [
        'POST /webhooks/mlflow',
        'POST /webhooks/databricks',
        'POST /slack/interactions',
        'GET /approvals/{token}',
        'POST /approvals/{token}',
        'POST /alerts/alertmanager',
        'POST /alerts/grafana',
        'GET /ui',
        'GET /ui/sign-in',
        'GET /ui/approvals',
        'POST /ui/approvals',
        'GET /ui/models/{model}',
        'GET /ui/models/{model}/rollout',
        'POST /ui/models/{model}/rollout',
      ].sort(),
    );
  });

  it('feeds the worker from the promotion queue and the alarm function from the alarm queue, with partial batch failures', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(
      ([, r]) => r.Properties as Record<string, any>,
    );
    const byFunction = Object.fromEntries(mappings.map((m) => [m.FunctionName['Fn::GetAtt'][0], m]));
    expect(byFunction.WorkerLambdaFunction.EventSourceArn).toEqual({
      'Fn::GetAtt': ['PromotionQueue', 'Arn'],
    });
    expect(byFunction.AlarmQueueLambdaFunction.EventSourceArn).toEqual({
      'Fn::GetAtt': ['AlarmQueue', 'Arn'],
    });
    for (const m of mappings) expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('subscribes the notifier to the notifications topic, with a dead-letter queue', () => {
    const [, subscription] = ofType('AWS::SNS::Subscription').find(
      ([, r]) => r.Properties?.Protocol === 'lambda',
    )!;
    expect(subscription.Properties!.TopicArn).toEqual({ Ref: 'NotificationsTopic' });
    expect(subscription.Properties!.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['NotificationsDeadLetterQueue', 'Arn'] },
    });
  });

  it('subscribes the alarm queue to the alerts topic', () => {
    expect(props('AlertsToAlarmQueue')).toMatchObject({
      TopicArn: { Ref: 'AlertsTopic' },
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': ['AlarmQueue', 'Arn'] },
    });
  });

  it('runs the tick every minute', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties as Record<string, any>);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.ScheduleExpression).toBe('rate(1 minute)');
    expect(rules[0]!.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['TickLambdaFunction', 'Arn'] });
  });

  it('makes the promotion queue FIFO without content-based dedup, with a FIFO DLQ after at least 5 receives', () => {
    const queue = props('PromotionQueue');
    expect(queue.FifoQueue).toBe(true);
    expect(queue.ContentBasedDeduplication).toBe(false);
    expect(queue.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(5);
    const dlq = queue.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
    expect(props(dlq).FifoQueue).toBe(true);
  });

  it('gives the promotion queue a visibility timeout of at least six worker timeouts', () => {
    expect(props('PromotionQueue').VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * props('WorkerLambdaFunction').Timeout,
    );
  });

  it('gives every queue that is not itself a DLQ a dead-letter queue', () => {
    const queues = ofType('AWS::SQS::Queue').map(([id]) => id);
    const deadLetterTargets = new Set(
      queues.map((id) => props(id).RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0]).filter(Boolean),
    );
    for (const [, subscription] of ofType('AWS::SNS::Subscription')) {
      const target = (subscription.Properties as any).RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
      if (target) deadLetterTargets.add(target);
    }
    const sources = queues.filter((id) => !deadLetterTargets.has(id));
    expect(sources.sort()).toEqual(['AlarmQueue', 'CopyQueue', 'PromotionQueue']);
    for (const id of sources) expect(props(id).RedrivePolicy.deadLetterTargetArn).toBeDefined();
    expect([...deadLetterTargets].sort()).toEqual([
      'AlarmDeadLetterQueue',
      'CopyDeadLetterQueue',
      'NotificationsDeadLetterQueue',
      'PromotionDeadLetterQueue',
    ]);
  });

  it('watches every dead-letter queue with an alarm at depth 1, announced and cleared on the notifications topic', () => {
    // Prepare: the dead-letter targets of every queue and subscription.
    const targets = new Set<string>();
    for (const [, r] of [...ofType('AWS::SQS::Queue'), ...ofType('AWS::SNS::Subscription')]) {
      const target = (r.Properties as any).RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
      if (target) targets.add(target);
    }
    // Act: which queue each alarm watches.
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties as Record<string, any>);
    const watched = alarms.map((a) => a.Dimensions[0].Value['Fn::GetAtt'][0]);
    // Assess
    expect(watched.sort()).toEqual([...targets].sort());
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: 'NotificationsTopic' }],
        OKActions: [{ Ref: 'NotificationsTopic' }],
      });
      expect(alarm.Dimensions).toEqual([
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.any(String), 'QueueName'] } },
      ]);
    }
  });

  it('makes the table on-demand with TTL, point-in-time recovery and a due-work index', () => {
    const table = props('BatonTable');
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.GlobalSecondaryIndexes.map((i: { IndexName: string }) => i.IndexName)).toEqual(['DueIndex']);
  });

  it('gives every function a role of its own', () => {
    const roles = ofType('AWS::Lambda::Function').map(([, r]) => (r.Properties as any).Role['Fn::GetAtt'][0]);
    expect(new Set(roles).size).toBe(functionNames.length);
    for (const role of roles) expect(template.Resources[role]!.Type).toBe('AWS::IAM::Role');
  });

  it('never grants a write action on Resource "*" unless the condition that scopes it is set', () => {
    const readOnly = /^[a-z0-9-]+:(Describe|Get|List|Query|Scan|BatchGet)/;
    const offending: string[] = [];
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      for (const policy of (role.Properties as any).Policies ?? []) {
        for (const statement of policy.PolicyDocument.Statement) {
          const resources = [statement.Resource].flat();
          const actions = [statement.Action].flat() as string[];
          if (!resources.includes('*')) continue;
          const conditions = Object.values(statement.Condition ?? {}).flatMap((c) =>
            Object.keys(c as object),
          );
          for (const action of actions) {
            const scopedBy = scopedWrites[action];
            if (readOnly.test(action) || (scopedBy && conditions.includes(scopedBy))) continue;
            offending.push(`${id}: ${action}`);
          }
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('lets only the tick record metrics, and only into the Databricks serving namespace', () => {
    const puts = allowStatements().filter(([, s]) => [s.Action].flat().includes('cloudwatch:PutMetricData'));
    expect(puts.map(([id, s]) => [id, s.Condition])).toEqual([
      ['TickRole', { StringEquals: { 'cloudwatch:namespace': 'Baton/DatabricksServing' } }],
    ]);
  });

  it('names no other account or region in any Allow statement of any role', () => {
    // Prepare: every resource of every Allow statement, as the template writes it.
    const offending: string[] = [];
    for (const [id, statement] of allowStatements()) {
      const actions = [statement.Action].flat() as string[];
      for (const resource of [statement.Resource].flat()) {
        if (resource === '*' && actions.every((a) => noResourceLevel.has(a))) continue;
        // Act: a stack resource (Ref, GetAtt) is this account's; an ARN must say so in its fields.
        const arn = typeof resource === 'string' ? resource : resource?.['Fn::Sub'];
        if (typeof arn !== 'string' || /^\$\{[A-Za-z]+\.Arn\}/.test(arn)) continue;
        const [, , service, region, account] = arn.replace(/\$\{AWS::(\w+)\}/g, '<$1>').split(':');
        const regionOk = region === '<Region>' || (region === '' && globalServices.has(service!));
        // S3 ARNs carry no account: the statement must pin the bucket's owner to this account.
        const s3InAccount =
          service === 's3' &&
          statement.Condition?.StringEquals?.['s3:ResourceAccount']?.Ref === 'AWS::AccountId';
        if (s3InAccount) continue;
        if (account !== '<AccountId>' || !regionOk) offending.push(`${id}: ${arn}`);
      }
    }
    // Assess
    expect(offending).toEqual([]);
  });

  it('lets the worker reach only the SageMaker resources under the endpoint prefix', () => {
    const sagemaker = allowStatements()
      .filter(
        ([id, s]) => id === 'WorkerRole' && [s.Action].flat().some((a: string) => a.startsWith('sagemaker:')),
      )
      .flatMap(([, s]) => [s.Resource].flat().map((r: any) => r['Fn::Sub']));
    const shown = sagemaker.map((arn: string) => arn.replace(/\$\{AWS::(\w+)\}/g, '<$1>'));
    expect([...new Set(shown)].sort()).toEqual([
      'arn:<Partition>:sagemaker:<Region>:<AccountId>:endpoint-config/baton-*',
      'arn:<Partition>:sagemaker:<Region>:<AccountId>:endpoint/baton-*',
      'arn:<Partition>:sagemaker:<Region>:<AccountId>:model/baton-*',
    ]);
  });

  it.each([
    ['RegistryWebhookRole', ['DELIVERY#*']],
    ['ApprovalsRole', ['TOKEN#*']],
    ['NotifierRole', ['NOTIFIED#*']],
    ['TickRole', ['POLL', 'RECONCILER']],
    ['UiRole', []],
    ['CopierRole', ['AUDIT#*', 'COPY']],
  ])('lets the %s role write only the items whose key is %j', (role, keys) => {
    // Prepare: the role's statements that allow a DynamoDB write.
    const writes = allowStatements().filter(
      ([id, s]) =>
        id === role &&
        [s.Action].flat().some((a: string) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)),
    );
    // Act: the keys each one is limited to (none: every item).
    const limits = writes.map(
      ([, s]) =>
        (s.Condition?.['ForAllValues:StringLike'] ?? s.Condition?.['ForAllValues:StringEquals'])?.[
          'dynamodb:LeadingKeys'
        ],
    );
    // Assess
    expect(limits.every(Array.isArray)).toBe(true);
    expect(limits.flat().sort()).toEqual(keys);
  });

  it('reads secrets from SSM parameter names, never from plain values', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const variables = (fn.Properties as any).Environment.Variables as Record<string, unknown>;
      for (const [key, value] of Object.entries(variables)) {
        if (/SECRET|TOKEN|KEY|WEBHOOK_URL/.test(key)) {
          expect(key).toMatch(/_PARAM$/);
          expect(value).toMatch(/^\/baton\/prod\//);
        }
      }
    }
  });

  /** The function's zip, unzipped once: its functions/ folder. */
  const unzipped = (name: string) => {
    const to = join(dir, 'unzipped', name);
    if (existsSync(join(to, 'functions'))) return join(to, 'functions');
    mkdirSync(to, { recursive: true });
    const result = spawnSync('unzip', ['-q', '-o', join(dir, `${name}.zip`), '-d', to], {
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    return join(to, 'functions');
  };

  /** The files a function's entry loads at import, by name, with their code. */
  const loadedAtImport = (functions: string, entry: string) => {
    const code = new Map<string, string>();
    const visit = (file: string) => {
      if (code.has(file)) return;
      code.set(file, readFileSync(join(functions, file), 'utf8'));
      for (const m of code.get(file)!.matchAll(/(?:from|import)\s*"\.\/([^"]+\.mjs)"/g)) visit(m[1]!);
    };
    visit(entry);
    return code;
  };

  it("packs each function with its own chunks, and loads the worker's rarely used adapters only on first use", () => {
    for (const name of functionNames) {
      const files = readdirSync(unzipped(name));
      expect(files).toContain(`${name}.mjs`);
      for (const file of files) expect(file.startsWith(`${name}.`), `${file} in ${name}.zip`).toBe(true);
    }

    const functions = join(dir, 'unzipped', 'worker', 'functions');
    const imports = (file: string, pattern: RegExp) =>
      [...readFileSync(join(functions, file), 'utf8').matchAll(pattern)].map((m) => m[1]!);
    const loadedAtImport = new Set<string>();
    const visit = (file: string) => {
      if (loadedAtImport.has(file)) return;
      loadedAtImport.add(file);
      for (const next of imports(file, /(?:from|import)\s*"\.\/([^"]+\.mjs)"/g)) visit(next);
    };
    visit('worker.mjs');
    const onFirstUse = [...loadedAtImport].flatMap((file) => imports(file, /import\("\.\/([^"]+\.mjs)"\)/g));
    const deferred = ['sagemaker', 'cloudwatch', 'ses', 'databricks'];
    for (const name of deferred) {
      const chunk = onFirstUse.find((file) => file.startsWith(`worker.${name}-`));
      expect(chunk, `worker.${name}-*.mjs among ${onFirstUse.join(', ')}`).toBeDefined();
      expect(loadedAtImport.has(chunk!)).toBe(false);
    }

    // Each chunk loads on its own and exports what lib/wiring asks of it.
    const exportsOf = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `for (const f of process.argv.slice(1)) console.log(f.split('-')[0], Object.keys(await import('./' + f)).sort().join(','));`,
        ...deferred.map((name) => onFirstUse.find((file) => file.startsWith(`worker.${name}-`))!),
      ],
      { cwd: functions, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1' } },
    );
    expect(exportsOf.stderr).toBe('');
    expect(exportsOf.stdout.trim().split('\n')).toEqual([
      'worker.sagemaker sageMakerEndpoint',
      'worker.cloudwatch alarmReader,canaryMetrics',
      'worker.ses sesApprovalMail',
      'worker.databricks databricksEndpoint',
    ]);
  });

  // Each client by its Smithy service name: every command of the service names it, no other client does.
  it.each([
    ['sns', 'AmazonSimpleNotificationService', 'its first notification'],
    ['sqs', 'AmazonSQS', 'the first event, copy or retrain it hands on'],
  ])('loads %s into the worker (%s) with %s, not at import', (client, service) => {
    const functions = unzipped('worker');
    const code = loadedAtImport(functions, 'worker.mjs');
    const chunk = readdirSync(functions).find((file) => file.startsWith(`worker.${client}-`));

    expect(chunk, readdirSync(functions).join(', ')).toBeDefined();
    expect(readFileSync(join(functions, chunk!), 'utf8')).toContain(`"${service}"`);
    for (const [file, loaded] of code) expect(loaded, file).not.toContain(`"${service}"`);
  });

  it('loads what the worker needs at import from few files', () => {
    const files = [...loadedAtImport(unzipped('worker'), 'worker.mjs').keys()];

    // The entry, the chunk of everything it loads, and two the SDK splits for its own on-demand code.
    expect(files.length, files.join(', ')).toBeLessThanOrEqual(4);
  });

  it('leaves copies, and S3 with them, to the copier: the worker carries neither', () => {
    const read = (name: string) =>
      readdirSync(unzipped(name))
        .map((file) => readFileSync(join(unzipped(name), file), 'utf8'))
        .join('\n');
    const worker = read('worker');
    const copier = read('copier');

    expect(worker).not.toContain('UploadPartCopy');
    expect(worker).not.toContain('generate-temporary-credentials');
    expect(copier).toContain('UploadPartCopy');
    expect(copier).toContain('generate-temporary-credentials');
  });

  it('seals the compiled policies into the worker: it runs with the packaged file and refuses one edited since', () => {
    const root = join(unzipped('worker'), '..');
    const copy = mkdtempSync(join(tmpdir(), 'baton-sealed-'));
    onTestFinished(() => rmSync(copy, { recursive: true, force: true }));
    cpSync(root, copy, { recursive: true });
    const compiled = join(copy, '.baton', 'build', 'policies.json');
    const firstInvocation = () =>
      spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { handler } = await import('./functions/worker.mjs');
           console.log(JSON.stringify(await handler({ Records: [] }, { functionName: 'worker' })));`,
        ],
        {
          cwd: copy,
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH ?? '',
            AWS_REGION: 'eu-west-1',
            LAMBDA_TASK_ROOT: copy,
            TABLE_NAME: 'baton',
            MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
        },
      );

    const sealed = firstInvocation();
    writeFileSync(compiled, readFileSync(compiled, 'utf8').replace('"format": 1', '"format": 1 '));
    const edited = firstInvocation();

    expect(sealed.stderr).toBe('');
    expect(JSON.parse(sealed.stdout)).toEqual({ batchItemFailures: [] });
    expect(edited.status).not.toBe(0);
    expect(edited.stderr).toContain('not the policies this package was built with');
  });
});
