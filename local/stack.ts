/**
 * The whole local stack as one call: the Python services, the emulator resources from the
 * packaged template, the secrets in the emulator's SSM, Baton's functions behind the local
 * runtime, and the MLflow webhook pointing at the local ingress. `npm start` and the
 * integration tests both use it.
 *
 * @example
 *   const stack = await startLocalStack({ stateDir: '.baton', ports: { mlflow: 5080, moto: 5090, ingress: 3080 } });
 *   console.log(stack.mlflowUrl, stack.ingressUrl);
 *   await stack.stop();
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createAlarms } from './alarms';
import { deleteMlflowWebhook, ensureMlflowWebhook } from './mlflowWebhook';
import { ensurePythonEnv } from './pythonEnv';
import {
  type AwsTarget,
  awsClientConfig,
  createStackResources,
  type StackResources,
  verifyEmailSenders,
} from './resources';
import { type Runtime, startRuntime } from './runtime';
import { type Service, startMlflow, startMoto } from './services';
import { type CfnTemplate, loadTemplate } from './template';

/** moto's default account. */
export const localAccountId = '123456789012';

export interface LocalStackOptions {
  stateDir: string;
  stage?: string;
  region?: string;
  ports: { mlflow: number; moto: number; ingress: number };
  /** Use already-running services instead of starting them (tests share one pair). */
  services?: { mlflowUrl: string; motoUrl: string };
  /** Start queue pollers, SNS subscriptions and schedules (default true). */
  consumers?: boolean;
  /** Name of the MLflow webhook to register (default `baton-<stage>`). */
  webhookName?: string;
  /** Register the MLflow webhook (default true); without it only the reconciler finds versions. */
  webhook?: boolean;
  /** Extra environment for every function (e.g. POLICIES_DIR). */
  env?: Record<string, string>;
  /** Run the packaged bundles unpacked in this folder instead of the sources (runtime.ts). */
  packaged?: string;
  retryDelaySeconds?: number;
  scheduleSeconds?: number;
  log?: (line: string) => void;
}

export interface LocalStack {
  mlflowUrl: string;
  motoUrl: string;
  ingressUrl: string;
  aws: AwsTarget;
  template: CfnTemplate;
  resources: StackResources;
  runtime: Runtime;
  services: Service[];
  secrets: LocalSecrets;
  stop(): Promise<void>;
}

export interface LocalSecrets {
  mlflowWebhookSecret: string;
  databricksWebhookSecret: string;
  slackSigningSecret: string;
  approvalLinkKey: string;
  retrainSigningKey: string;
  alertWebhookToken: string;
}

const secretNames: Array<keyof LocalSecrets> = [
  'mlflowWebhookSecret',
  'databricksWebhookSecret',
  'slackSigningSecret',
  'approvalLinkKey',
  'retrainSigningKey',
  'alertWebhookToken',
];

/** Secrets generated once per state folder, so a restarted stack keeps verifying the same webhooks. */
function localSecrets(stateDir: string): LocalSecrets {
  const file = join(stateDir, 'secrets.json');
  const known: Partial<LocalSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const missing = secretNames.filter((name) => !known[name]);
  if (missing.length) {
    mkdirSync(stateDir, { recursive: true });
    for (const name of missing) known[name] = randomBytes(24).toString('base64url');
    writeFileSync(file, JSON.stringify(known), { mode: 0o600 });
  }
  return known as LocalSecrets;
}

/** The SSM parameter names the template gives the functions, by variable name. */
function parameterNames(template: CfnTemplate): Map<string, string> {
  const names = new Map<string, string>();
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (resource.Properties as { Environment?: { Variables?: Record<string, unknown> } })
      .Environment?.Variables;
    for (const [key, value] of Object.entries(variables ?? {})) {
      if (key.endsWith('_PARAM') && typeof value === 'string') names.set(key, value);
    }
  }
  return names;
}

async function storeSecrets(template: CfnTemplate, aws: AwsTarget, secrets: LocalSecrets): Promise<void> {
  const names = parameterNames(template);
  const values: Record<string, string> = {
    MLFLOW_WEBHOOK_SECRETS_PARAM: secrets.mlflowWebhookSecret,
    DATABRICKS_WEBHOOK_SECRETS_PARAM: secrets.databricksWebhookSecret,
    SLACK_SIGNING_SECRET_PARAM: secrets.slackSigningSecret,
    APPROVAL_LINK_KEY_PARAM: secrets.approvalLinkKey,
    RETRAIN_SIGNING_KEY_PARAM: secrets.retrainSigningKey,
    // Alertmanager and Grafana send it as a bearer token (Grafana's HMAC secret stays unset locally).
    ALERT_WEBHOOK_TOKEN_PARAM: secrets.alertWebhookToken,
  };
  const ssm = new SSMClient(awsClientConfig(aws));
  for (const [variable, value] of Object.entries(values)) {
    const name = names.get(variable);
    if (!name) throw new Error(`serverless.yml no longer declares ${variable}`);
    await ssm.send(
      new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }),
    );
  }
  ssm.destroy();
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const stateDir = resolve(options.stateDir);
  const stage = options.stage ?? 'local';
  const services: Service[] = [];
  const stopServices = () => Promise.all(services.map((s) => s.stop()));
  try {
    let urls = options.services;
    if (!urls) {
      const python = ensurePythonEnv({ stateDir, log });
      const [moto, mlflow] = await Promise.all([
        startMoto({ python, stateDir, port: options.ports.moto }),
        startMlflow({ python, stateDir, port: options.ports.mlflow }),
      ]);
      services.push(moto, mlflow);
      urls = { mlflowUrl: mlflow.url, motoUrl: moto.url };
    }
    const template = loadTemplate({ stateDir, stage });
    const aws: AwsTarget = {
      endpoint: urls.motoUrl,
      region: options.region ?? 'us-east-1',
      accountId: localAccountId,
    };
    const resources = await createStackResources(template, aws);
    await createAlarms(template, resources, aws);
    await verifyEmailSenders(template, aws);
    const secrets = localSecrets(stateDir);
    await storeSecrets(template, aws, secrets);
    const runtime = await startRuntime({
      template,
      stack: resources,
      aws,
      port: options.ports.ingress,
      env: {
        MLFLOW_TRACKING_URI: urls.mlflowUrl,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'INFO',
        // Lambda runs Node 22; the local machine may run Node 20, which the SDK warns about.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...options.env,
      },
      consumers: options.consumers,
      packaged: options.packaged,
      retryDelaySeconds: options.retryDelaySeconds,
      scheduleSeconds: options.scheduleSeconds,
      log,
    });
    const webhookId =
      options.webhook === false
        ? undefined
        : await ensureMlflowWebhook({
            mlflowUrl: urls.mlflowUrl,
            name: options.webhookName ?? `baton-${stage}`,
            url: `${runtime.ingressUrl}/webhooks/mlflow`,
            secret: secrets.mlflowWebhookSecret,
          });
    return {
      ...urls,
      ingressUrl: runtime.ingressUrl,
      aws,
      template,
      resources,
      runtime,
      services,
      secrets,
      async stop() {
        // A test stack removes its webhook; the named `npm start` one is simply re-pointed next time.
        if (options.webhookName && webhookId) {
          await deleteMlflowWebhook(urls.mlflowUrl, webhookId).catch(() => undefined);
        }
        await runtime.stop();
        await stopServices();
      },
    };
  } catch (error) {
    await stopServices();
    throw error;
  }
}
