/**
 * The serving port for models with no endpoint: batch scoring jobs and streaming pipelines load
 * `models:/<model>@champion` when they start, so moving the champion alias is the whole
 * deployment. A null object (like NoopNotifier): the rollout engine runs the same steps for every
 * policy and never asks whether an endpoint exists. Nothing is called, and every step is
 * reported done at once.
 *
 * @example
 *   const serving = new NoneEndpoint();
 *   await serving.setWeights('fraud-batch', { '4': 100 }); // { endpoint: 'fraud-batch', status: 'none', ready: true, variants: [] }
 */
import type { EndpointTraffic, ServedModel, ServingEndpoint, Weights } from '../../domain/servingPorts';

const done = (endpoint: string): EndpointTraffic => ({ endpoint, status: 'none', ready: true, variants: [] });

export class NoneEndpoint implements ServingEndpoint {
  readonly kind = 'none' as const;

  /** There is no endpoint to describe. */
  async describe(_endpoint: string): Promise<EndpointTraffic | null> {
    return null;
  }

  async prepare(endpoint: string, _versions: ServedModel[]): Promise<EndpointTraffic> {
    return done(endpoint);
  }

  async setWeights(endpoint: string, _weights: Weights): Promise<EndpointTraffic> {
    return done(endpoint);
  }

  async finalise(endpoint: string, _keep: ServedModel): Promise<EndpointTraffic> {
    return done(endpoint);
  }
}
