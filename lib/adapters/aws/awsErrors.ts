/**
 * How an adapter reads a failed AWS SDK call before translating it into its own typed error
 * (StaleStateError, EnqueueError, ServingUnavailableError, …): the service's error code, the HTTP
 * status, and whether another try later could succeed. The SDK has already retried what it
 * retries; `retryable` says whether the caller (SQS redelivery, a 503 to the sender) should.
 *
 * @example
 *   const failure = awsFailure(error);
 *   if (failure?.code === 'ParameterNotFound') return [];
 */

export interface AwsFailure {
  /** AWS's error code, e.g. `ValidationException`; `NetworkError` when no answer came. */
  code: string;
  statusCode: number | undefined;
  message: string;
  /** 5xx, throttling and network failures are worth another try. */
  retryable: boolean;
}

const throttling =
  /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|LimitExceeded|TransactionInProgress|ServiceUnavailable|RequestTimeout/;

/** Node's socket errors and the request handler's timeouts: the service never answered. */
const networkCodes = /^(E[A-Z]+|ECONN\w+|TimeoutError|AbortError|RequestTimeout)$/;

/**
 * The failure of an SDK call, or undefined when `error` is not one (a bug in Baton, which the
 * adapters let through untranslated).
 *
 * @example
 *   awsFailure(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }))?.code; // 'ConditionalCheckFailedException'
 */
export function awsFailure(error: unknown): AwsFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as Error & {
    $fault?: 'client' | 'server';
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
    code?: unknown;
    /** The wire code, where the SDK models the error under another name (SNS `NotFound` → NotFoundException). */
    Code?: unknown;
  };
  if (e.$fault !== undefined) {
    const statusCode = e.$metadata?.httpStatusCode;
    const retryable =
      e.$fault === 'server' ||
      (statusCode !== undefined && statusCode >= 500) ||
      Boolean(e.$retryable) ||
      throttling.test(e.name);
    const code = typeof e.Code === 'string' ? e.Code : e.name;
    return { code, statusCode, message: e.message, retryable: retryable || throttling.test(code) };
  }
  const code = typeof e.code === 'string' ? e.code : e.name;
  if (networkCodes.test(code))
    return { code: 'NetworkError', statusCode: undefined, message: e.message, retryable: true };
  return undefined;
}
