/**
 * Errors of the Databricks Model Serving adapter (databricksEndpoint.ts), subclasses of the
 * serving errors (errors.ts). The adapter translates the HTTP client's failures into these at the
 * boundary, so callers never see a registry error for a serving call. The adapter also throws the
 * shared `EndpointNotFoundError` and `UnknownVariantError` as they are.
 *
 * @example
 *   try {
 *     await serving.setWeights('fraud-prod', { '3': 90, '4': 10 });
 *   } catch (error) {
 *     if (error instanceof ServingError && error.retryable) throw error; // SQS redelivers
 *   }
 */
import { RegistryRequestError, RegistryResponseError, RegistryUnavailableError } from '../registry/errors';
import { ServingError, ServingUnavailableError, WeightsMismatchError } from './errors';
import type { Weights } from './ports';

/** The workspace could not be reached or kept failing (network, timeout, 429 or 5xx after every retry). */
export class DatabricksUnavailableError extends ServingUnavailableError {
  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Databricks ${operation}: unavailable${status === undefined ? '' : ` (${status})`}`, options);
    this.name = 'DatabricksUnavailableError';
  }
}

/** Databricks refused the request (4xx): `errorCode` (e.g. `INVALID_PARAMETER_VALUE`) and `detail` say why. */
export class DatabricksRequestError extends ServingError {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Databricks ${operation}: ${status} ${errorCode}: ${detail}`, options);
    this.name = 'DatabricksRequestError';
  }
}

/** A 2xx body that is not the documented shape: usually a wrong host or a proxy's page. */
export class DatabricksResponseError extends ServingError {
  constructor(
    readonly operation: string,
    readonly issues: string,
    options?: { cause?: unknown },
  ) {
    super(`Databricks ${operation}: unexpected response: ${issues}`, options);
    this.name = 'DatabricksResponseError';
  }
}

/** The weights asked for are not whole percentages summing to 100 (a caller's bug, never retried). */
export class DatabricksWeightsError extends ServingError {
  constructor(
    readonly endpoint: string,
    readonly weights: Weights,
    detail: string,
  ) {
    super(`cannot set weights ${JSON.stringify(weights)} on ${endpoint}: ${detail}`);
    this.name = 'DatabricksWeightsError';
  }
}

/**
 * After the update the endpoint reports other weights than were set: the update failed or was
 * cancelled (`configUpdate` UPDATE_FAILED / UPDATE_CANCELED), or someone changed the endpoint.
 */
export class DatabricksWeightsMismatchError extends WeightsMismatchError {
  constructor(
    endpoint: string,
    asked: Weights,
    reported: Weights,
    readonly configUpdate: string,
  ) {
    super(endpoint, asked, reported);
    this.message += ` (config_update ${configUpdate})`;
    this.name = 'DatabricksWeightsMismatchError';
  }
}

/**
 * Translates an HTTP client failure into this adapter's errors; anything else passes unchanged.
 *
 * @example
 *   catch (error) { throw databricksError('GET serving-endpoints/fraud', error); }
 */
export function databricksError(operation: string, error: unknown): unknown {
  if (error instanceof RegistryUnavailableError) {
    return new DatabricksUnavailableError(operation, error.status, { cause: error });
  }
  if (error instanceof RegistryRequestError) {
    return new DatabricksRequestError(operation, error.status, error.errorCode, error.detail, {
      cause: error,
    });
  }
  if (error instanceof RegistryResponseError) {
    return new DatabricksResponseError(operation, error.issues, { cause: error });
  }
  return error;
}
