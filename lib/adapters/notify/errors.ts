/**
 * Notification delivery errors. The Slack and SES adapters and the delivery ledger translate HTTP,
 * SES and DynamoDB failures into these at the boundary; the notifier handler rethrows them so Lambda
 * retries the SNS message. `retryable` says whether a retry can help (for logs and alarms).
 *
 * @example
 *   if (response.status === 429) throw new SlackRateLimitedError(retryAfterMs);
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

/** Slack could not be reached, timed out or answered 5xx. The post may or may not have happened. */
export class SlackUnavailableError extends DeliveryError {
  constructor(detail: string, cause?: unknown) {
    super(`Slack is unavailable: ${detail}`, true, { cause });
    this.name = 'SlackUnavailableError';
  }
}

/** HTTP 429 (or `ok:false, error:ratelimited`): try again after `retryAfterMs`. */
export class SlackRateLimitedError extends DeliveryError {
  constructor(readonly retryAfterMs: number | undefined) {
    super(
      `Slack rate-limited the post${retryAfterMs === undefined ? '' : `; retry after ${retryAfterMs} ms`}`,
      true,
    );
    this.name = 'SlackRateLimitedError';
  }
}

/** Slack refused the message: `{"ok":false,"error":code}` or a 4xx from an incoming webhook. */
export class SlackRejectedError extends DeliveryError {
  constructor(
    readonly code: string,
    readonly status: number,
  ) {
    super(`Slack rejected the message (${status}): ${code}`, false);
    this.name = 'SlackRejectedError';
  }
}

/** The Slack settings cannot work (no channel for a bot token, a webhook parameter that is no URL). */
export class SlackConfigError extends DeliveryError {
  constructor(detail: string) {
    super(`Slack is misconfigured: ${detail}`, false);
    this.name = 'SlackConfigError';
  }
}

/** Another invocation holds a live claim on this notification; retry once it has finished or lapsed. */
export class DeliveryInProgressError extends DeliveryError {
  constructor(idempotencyKey: string) {
    super(`notification ${idempotencyKey} is being delivered by another invocation`, true);
    this.name = 'DeliveryInProgressError';
  }
}

/** The ledger of delivered notifications (DynamoDB) failed. */
export class DeliveryLedgerError extends DeliveryError {
  constructor(detail: string, cause: unknown) {
    super(`delivery ledger: ${detail}`, true, { cause });
    this.name = 'DeliveryLedgerError';
  }
}

/** SES refused the message; a retry cannot help (the sender is not verified, the address is bad…). */
export class EmailRejectedError extends DeliveryError {
  constructor(code: string, cause: unknown) {
    super(`SES refused the approval e-mail: ${code}`, false, { cause });
    this.name = 'EmailRejectedError';
  }
}

/** SES throttled, failed or could not be reached; the message may be sent on retry. */
export class EmailUnavailableError extends DeliveryError {
  constructor(code: string, cause: unknown) {
    super(`SES is unavailable: ${code}`, true, { cause });
    this.name = 'EmailUnavailableError';
  }
}

/** Slack's response_url refused the answer to a person's click (the decision itself is stored). */
export class RespondError extends Error {
  constructor(status: number) {
    super(`Slack's response_url answered ${status}`);
    this.name = 'RespondError';
  }
}
