/**
 * Store errors. The adapter translates DynamoDB failures into these at the boundary.
 */
import { ServiceUnavailableError } from '../../domain/httpErrors';

export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** Someone wrote the record after it was read; re-read and decide again (SQS redelivers). */
export class StaleStateError extends StoreError {
  constructor(model: string, version: string, cause?: unknown) {
    super(`the state of ${model} v${version} changed since it was read`, { cause });
    this.name = 'StaleStateError';
  }
}

/** Another version of the model holds the rollout lease; the event is retried and then waits. */
export class LeaseBusyError extends StoreError {
  constructor(model: string, version: string, cause?: unknown) {
    super(`another version of ${model} holds the rollout lease; v${version} waits`, { cause });
    this.name = 'LeaseBusyError';
  }
}

/** A webhook delivery's receipt could not be read or written; the sender gets a 503 and retries. */
export class ReceiptUnavailableError extends ServiceUnavailableError {
  constructor(cause: unknown) {
    super('receipts_unavailable', 'the delivery could not be checked for replay; retry later', { cause });
    this.name = 'ReceiptUnavailableError';
  }
}
