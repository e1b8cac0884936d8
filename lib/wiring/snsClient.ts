/**
 * The official SNS client, configured as every client is (awsClients.ts `clientConfig`). A file of
 * its own, as sesClient.ts: the worker loads it with its first notification (onDemand/sns.ts).
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { type AwsClientOptions, clientConfig } from './awsClients';

/** @example await snsClient().send(new PublishCommand(input)); */
export function snsClient(o?: AwsClientOptions): SNSClient {
  return new SNSClient(clientConfig(o));
}
