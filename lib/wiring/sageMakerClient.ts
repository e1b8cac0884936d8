/** The official SageMaker client, configured as every client is (awsClients.ts `clientConfig`). */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { type AwsClientOptions, clientConfig } from './awsClients';

/** @example await sageMakerClient().send(new DescribeEndpointCommand(input)); */
export function sageMakerClient(o?: AwsClientOptions): SageMakerClient {
  return new SageMakerClient(clientConfig(o));
}
