/**
 * Errors from the serving adapters. Each adapter translates its client's failures into these at
 * the boundary, so the rollout engine never sees an `AwsRequestError` or a raw HTTP response.
 * `retryable` says whether the same call later can succeed (an outage, throttling, an endpoint
 * busy with an update): the worker lets SQS redeliver for those and parks the rollout otherwise.
 *
 * @example
 *   try {
 *     await serving.setWeights('fraud-prod', { '3': 90, '4': 10 });
 *   } catch (error) {
 *     if (error instanceof ServingError && error.retryable) throw error; // SQS redelivers
 *   }
 */

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
