/**
 * Errors from the model registry adapter. The HTTP client translates fetch failures and MLflow
 * error bodies into these at the boundary, so callers never see a raw `Response` or `TypeError`.
 * `retryable` says whether trying the same call later can succeed: the worker lets SQS redeliver
 * the event for those and parks the others.
 *
 * @example
 *   try {
 *     await registry.setAlias('fraud', 'champion', '7');
 *   } catch (error) {
 *     if (error instanceof RegistryError && error.retryable) throw error; // SQS redelivers
 *   }
 */

/** Base class of every registry failure. */
export class RegistryError extends Error {
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RegistryError';
  }
}

/**
 * The registry could not be reached or kept failing: network error, timeout, 429 or 5xx after
 * every retry was used. Trying again later may succeed.
 *
 * @example
 *   throw new RegistryUnavailableError('GET model-versions/get: 503 after 4 attempts', { status: 503 });
 */
export class RegistryUnavailableError extends RegistryError {
  override readonly retryable = true;
  /** The last HTTP status, or undefined when the last attempt got no response at all. */
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RegistryUnavailableError';
    this.status = options.status;
  }
}

/**
 * The registry refused the request (a 4xx other than 429). Repeating it will not help; MLflow's
 * `error_code` (e.g. `INVALID_PARAMETER_VALUE`) and `message` say why.
 *
 * @example
 *   new RegistryRequestError(400, 'INVALID_PARAMETER_VALUE', 'Invalid value for max_results');
 */
export class RegistryRequestError extends RegistryError {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${status} ${errorCode}: ${detail}`, options);
    this.name = 'RegistryRequestError';
  }
}

/**
 * The registry answered 2xx with a body Baton cannot read (not JSON, or not the documented
 * shape): usually a proxy or a wrong base URL. `issues` names the offending fields.
 *
 * @example
 *   new RegistryResponseError('GET model-versions/get', 'model_version.status: invalid option');
 */
export class RegistryResponseError extends RegistryError {
  constructor(
    readonly operation: string,
    readonly issues: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: unexpected response: ${issues}`, options);
    this.name = 'RegistryResponseError';
  }
}

/**
 * Baton was asked for something this registry cannot express, before any request was sent: a
 * model name that is not Unity Catalog's `catalog.schema.model`, or a search order it cannot
 * honour. Repeating it will not help.
 *
 * @example
 *   new RegistryUnsupportedError('"fraud" is not a Unity Catalog model name (catalog.schema.model)');
 */
export class RegistryUnsupportedError extends RegistryError {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryUnsupportedError';
  }
}
