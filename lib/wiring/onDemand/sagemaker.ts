/**
 * The SageMaker serving adapter with its client: imported on first use (lib/wiring/deferred.ts),
 * so functions and invocations without a SageMaker rollout never load them.
 */
import { SageMakerEndpoint } from '../../adapters/serving/sagemakerEndpoint';
import type { ServingEndpoint } from '../../domain/servingPorts';
import { sageMakerClient } from '../sageMakerClient';

export function sageMakerEndpoint(executionRoleArn: string | undefined): ServingEndpoint {
  return new SageMakerEndpoint({ client: sageMakerClient(), executionRoleArn });
}
