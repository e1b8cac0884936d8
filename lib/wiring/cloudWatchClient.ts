/** The official CloudWatch client, configured as every client is (awsClients.ts `clientConfig`). */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { type AwsClientOptions, clientConfig } from './awsClients';

/** @example await cloudWatchClient().send(new DescribeAlarmsCommand(input)); */
export function cloudWatchClient(o?: AwsClientOptions): CloudWatchClient {
  return new CloudWatchClient(clientConfig(o));
}
