import { ServiceUnavailableError } from '../../domain/httpErrors';

/** The event could not be queued; the sender gets a 503 and retries, so nothing is lost. */
export class EnqueueError extends ServiceUnavailableError {
  constructor(cause: unknown) {
    super('queue_unavailable', 'the event could not be queued; retry later', { cause });
    this.name = 'EnqueueError';
  }
}

/** A dead-letter queue cannot do what was asked (e.g. redrive a DLQ that no queue feeds). */
export class DeadLetterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeadLetterError';
  }
}
