/**
 * Alert → rollback: a champion with an archive version is serving on a SageMaker endpoint in
 * the emulator; a CloudWatch alarm notification is published on the alerts SNS topic, and the
 * clock runs until MLflow shows `champion` back on the archive version AND DescribeEndpoint
 * shows that version at 100 %. Each sample first promotes a new version (not timed).
 *
 * @example
 *   const figures = await benchAlertToRollback({ stack, samples: 5, log });
 *   figures.alert_to_rollback_p50_ms;
 */
import { randomBytes } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { awsClientConfig, localCredentials } from '../local/resources';
import type { LocalStack } from '../local/stack';
import { testSageMaker } from '../test/support/awsCalls';
import { mlflowDriver } from './mlflowDriver';
import { median, percentile, round, since, sleep } from './stats';

const endpoint = 'bench-alert-prod';

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export async function benchAlertToRollback(options: {
  stack: LocalStack;
  samples: number;
  log: (line: string) => void;
}): Promise<Record<string, number>> {
  const { stack } = options;
  const driver = mlflowDriver(stack.mlflowUrl);
  const model = `bench-alert-${randomBytes(3).toString('hex')}`;
  await driver.api.ensureRegisteredModel(model);
  const sns = new SNSClient(awsClientConfig(stack.aws));
  const topic = stack.resources.resolveString({ Ref: 'AlertsTopic' });
  const sagemaker = testSageMaker({
    region: stack.aws.region,
    credentials: localCredentials,
    env: { AWS_ENDPOINT_URL: stack.aws.endpoint },
  });
  const servesAlone = async (version: string) => {
    const described = await sagemaker
      .call<{ ProductionVariants?: Array<{ VariantName: string; CurrentWeight?: number }> }>(
        'DescribeEndpoint',
        {
          EndpointName: endpoint,
        },
      )
      .catch(() => ({ ProductionVariants: [] }));
    const variants = described.ProductionVariants ?? [];
    const total = variants.reduce((s, v) => s + (v.CurrentWeight ?? 0), 0);
    const mine = variants.find((v) => v.VariantName === `v${version}`)?.CurrentWeight ?? 0;
    return total > 0 && mine === total;
  };
  const promote = async () => {
    const version = await driver.register(model);
    await until(`v${version} champion`, 60_000, async () =>
      (await driver.aliasVersion(model, 'champion')) === version && (await servesAlone(version))
        ? true
        : undefined,
    );
    return version;
  };

  let archive = await promote();
  const samples: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const champion = await promote();
    // Steady state first: MLflow's webhook echoes of the promotion (alias events) drain from the
    // model's queue group, as they would long before a real alarm fires.
    await sleep(2000);
    const message = {
      AlarmName: `${endpoint}-5xx`,
      AlarmArn: `arn:aws:cloudwatch:${stack.aws.region}:${stack.aws.accountId}:alarm:${endpoint}-5xx`,
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      NewStateReason: `bench sample ${i}`,
      StateChangeTime: new Date().toISOString(),
      Trigger: { Dimensions: [{ name: 'EndpointName', value: endpoint }] },
    };
    const started = performance.now();
    await sns.send(new PublishCommand({ TopicArn: topic, Message: JSON.stringify(message) }));
    await until(`rollback to v${archive}`, 30_000, async () =>
      (await driver.aliasVersion(model, 'champion')) === archive && (await servesAlone(archive))
        ? true
        : undefined,
    );
    samples.push(since(started));
    options.log(`  v${champion} → v${archive}: ${Math.round(samples.at(-1)!)} ms`);
    // The restored version is champion again; the next promotion archives it.
    archive = (await driver.aliasVersion(model, 'champion'))!;
  }
  sns.destroy();
  return {
    alert_to_rollback_p50_ms: round(median(samples), 1),
    alert_to_rollback_p95_ms: round(percentile(samples, 95), 1),
    alert_to_rollback_samples: samples.length,
  };
}
