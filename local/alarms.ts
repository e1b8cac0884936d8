/**
 * The CloudWatch alarms of the packaged template (the dead-letter queue alarms), created in the
 * emulator as declared so the local stack holds every resource serverless.yml names and a broken
 * alarm definition fails `npm start` as it would fail a deploy. The emulator publishes no SQS
 * metrics, so these alarms never fire locally: the local DLQ watcher (local/deadLetterWatch.ts)
 * logs each message that reaches a DLQ instead.
 *
 * @example
 *   const names = await createAlarms(template, stack, aws); // ['baton-local-promotion-dlq-not-empty', …]
 */
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { type AwsTarget, awsClientConfig, type StackResources } from './resources';
import type { CfnTemplate } from './template';

export async function createAlarms(
  template: CfnTemplate,
  stack: StackResources,
  aws: AwsTarget,
): Promise<string[]> {
  const cloudwatch = new CloudWatchClient(awsClientConfig(aws));
  const names: string[] = [];
  try {
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
      // Queue names and the topic ARN resolve against the resources already created.
      const properties = stack.resolve(resource.Properties ?? {}) as PutMetricAlarmCommandInput;
      const name = properties.AlarmName ?? id;
      await cloudwatch.send(new PutMetricAlarmCommand({ ...properties, AlarmName: name }));
      names.push(name);
    }
  } finally {
    cloudwatch.destroy();
  }
  return names;
}
