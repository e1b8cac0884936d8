/**
 * The Databricks Model Serving adapter: imported on first use (lib/wiring/deferred.ts), so
 * functions and invocations without a Databricks rollout never load it.
 */
import type { HttpClient } from '../../adapters/registry/httpClient';
import { DatabricksEndpoint } from '../../adapters/serving/databricksEndpoint';
import type { ServingEndpoint } from '../../domain/servingPorts';

export function databricksEndpoint(http: HttpClient): ServingEndpoint {
  return new DatabricksEndpoint({ http });
}
