/**
 * Failures of the small AWS JSON-protocol client (signedJsonClient.ts), typed at the boundary so
 * callers can tell a missing resource from an outage.
 */
export class AwsRequestError extends Error {
  /** The error response's other fields, e.g. DynamoDB's CancellationReasons. */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly service: string,
    readonly operation: string,
    /** AWS's error code (`__type` without its namespace), e.g. `ValidationException`. */
    readonly code: string,
    readonly statusCode: number | undefined,
    message: string,
    options?: {
      cause?: unknown;
      details?: Record<string, unknown>;
    },
  ) {
    super(`${service}.${operation} failed: ${code}: ${message}`, options);
    this.name = 'AwsRequestError';
    this.details = options?.details;
  }

  /** 5xx, throttling and network failures are worth another try. */
  get retryable(): boolean {
    return (
      this.statusCode === undefined ||
      this.statusCode >= 500 ||
      /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|ServiceUnavailable/.test(
        this.code,
      )
    );
  }
}
