/**
 * Errors from the serving adapters. Each adapter translates its client's failures into these at
 * the boundary, so the rollout engine never sees an `AwsRequestError` or a raw HTTP response.
 * `retryable` says whether the same call later can succeed (an outage, throttling, an endpoint
 * busy with an update): the worker lets SQS redeliver for those and parks the rollout otherwise.
 * The Databricks adapter's own subclasses are at the end (its HTTP client's failures translated).
 *
 * @example
 *   try {
 *     await serving.setWeights('fraud-prod', { '3': 90, '4': 10 });
 *   } catch (error) {
 *     if (error instanceof ServingError && error.retryable) throw error; // SQS redelivers
 *   }
 */

import type { Weights } from '../../domain/servingPorts';
import { RegistryRequestError, RegistryResponseError, RegistryUnavailableError } from '../registry/errors';

/** Base class of every serving failure. */
export class ServingError extends Error {
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServingError';
  }
}

/**
 * A version cannot be deployed as configured: no image, no execution role, a bad instance count.
 * The message names what is missing and where to set it (a version tag or the policy).
 */
export class ServingConfigurationError extends ServingError {
  constructor(message: string) {
    super(message);
    this.name = 'ServingConfigurationError';
  }
}

/** The endpoint does not exist (setWeights and finalise need one; prepare creates it). */
export class EndpointNotFoundError extends ServingError {
  constructor(readonly endpoint: string) {
    super(`endpoint ${endpoint} does not exist`);
    this.name = 'EndpointNotFoundError';
  }
}

/** Weights were asked for a version the endpoint has no variant for (prepare it first). */
export class UnknownVariantError extends ServingError {
  constructor(
    readonly endpoint: string,
    readonly version: string,
  ) {
    super(`endpoint ${endpoint} has no variant for version ${version}; prepare the endpoint with it first`);
    this.name = 'UnknownVariantError';
  }
}

/** After a change, the endpoint reports other weights than were asked: what is live is verified. */
export class WeightsMismatchError extends ServingError {
  constructor(
    readonly endpoint: string,
    readonly asked: Record<string, number>,
    readonly reported: Record<string, number>,
  ) {
    super(
      `endpoint ${endpoint} reports weights ${JSON.stringify(reported)} after ${JSON.stringify(asked)} was asked`,
    );
    this.name = 'WeightsMismatchError';
  }
}

/** The serving service could not be reached, throttled, or the endpoint is busy: try again later. */
export class ServingUnavailableError extends ServingError {
  override readonly retryable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServingUnavailableError';
  }
}

// Databricks Model Serving (databricksEndpoint.ts): its client's failures, translated at the boundary.

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
