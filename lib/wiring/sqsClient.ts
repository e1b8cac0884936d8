/**
 * The official SQS client, configured as every client is (awsClients.ts `clientConfig`). A file of
 * its own, as snsClient.ts: the worker hands events, copies and retrains to queues only now and
 * then, and loads it with the first of them (onDemand/sqs.ts).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { type AwsClientOptions, clientConfig } from './awsClients';

/** @example await sqsClient().send(new SendMessageCommand(input)); */
export function sqsClient(o?: AwsClientOptions): SQSClient {
  return new SQSClient(clientConfig(o));
}
