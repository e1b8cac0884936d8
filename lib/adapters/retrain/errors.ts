/**
 * Errors of the retraining targets. Each adapter translates its client's failures into these at
 * the boundary. `retryable` says whether handing the same request over again can succeed (an
 * outage, throttling): the idempotency key keeps a retry from starting a second run.
 *
 * @example
 *   try {
 *     await trigger.trigger(request);
 *   } catch (error) {
 *     if (error instanceof RetrainError && error.retryable) throw error; // SQS redelivers
 *   }
 */

import type { RetrainTargetKind } from '../../domain/retrainPorts';
import { awsFailure } from '../aws/awsErrors';
import { RegistryRequestError, RegistryResponseError, RegistryUnavailableError } from '../registry/errors';

/** Base class of every retraining failure. */
export class RetrainError extends Error {
  readonly retryable: boolean = false;

  constructor(
    readonly target: RetrainTargetKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`retrain via ${target}: ${message}`, options);
    this.name = 'RetrainError';
  }
}

/** The target could not be reached or kept failing (network, timeout, 429 or 5xx after every retry). */
export class RetrainUnavailableError extends RetrainError {
  override readonly retryable = true;

  constructor(
    target: RetrainTargetKind,
    readonly status: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(target, `unavailable: ${detail}`, options);
    this.name = 'RetrainUnavailableError';
  }
}

/** The target refused the request (a 4xx, a queue that does not exist, a job id that is wrong). */
export class RetrainRejectedError extends RetrainError {
  constructor(
    target: RetrainTargetKind,
    readonly status: number | undefined,
    readonly code: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(target, `rejected${status === undefined ? '' : ` (${status})`}: ${code}: ${detail}`, options);
    this.name = 'RetrainRejectedError';
  }
}

/** The target accepted the request but answered with a body that is not the documented shape. */
export class RetrainResponseError extends RetrainError {
  constructor(target: RetrainTargetKind, issues: string, options?: { cause?: unknown }) {
    super(target, `unexpected response: ${issues}`, options);
    this.name = 'RetrainResponseError';
  }
}

/** The policy names a target Baton is not configured for (no signing secret, no Databricks host…). */
export class RetrainConfigError extends RetrainError {
  constructor(target: RetrainTargetKind, detail: string) {
    super(target, `not configured: ${detail}`);
    this.name = 'RetrainConfigError';
  }
}

/**
 * Translates an HTTP-client or AWS-client failure into a RetrainError; anything else passes unchanged.
 *
 * @example
 *   catch (error) { throw retrainError('sqs', error); }
 */
export function retrainError(target: RetrainTargetKind, error: unknown): unknown {
  const options = { cause: error };
  if (error instanceof RegistryUnavailableError) {
    return new RetrainUnavailableError(target, error.status, error.message, options);
  }
  if (error instanceof RegistryRequestError) {
    return new RetrainRejectedError(target, error.status, error.errorCode, error.detail, options);
  }
  if (error instanceof RegistryResponseError) return new RetrainResponseError(target, error.issues, options);
  const failure = awsFailure(error);
  if (failure) {
    const message = `${target}.SendMessage failed: ${failure.code}: ${failure.message}`;
    return failure.retryable
      ? new RetrainUnavailableError(target, failure.statusCode, message, options)
      : new RetrainRejectedError(target, failure.statusCode, failure.code, message, options);
  }
  return error;
}
