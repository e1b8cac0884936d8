import { ServiceUnavailableError } from '../../domain/httpErrors';

/** The event could not be queued; the sender gets a 503 and retries, so nothing is lost. */
export class EnqueueError extends ServiceUnavailableError {
  constructor(cause: unknown) {
    super('queue_unavailable', 'the event could not be queued; retry later', { cause });
    this.name = 'EnqueueError';
  }
}
