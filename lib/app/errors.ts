/**
 * The worker's typed errors, in one place: each says why an event could not be finished now, so
 * the message is retried (and, after its last attempt, dead-lettered with this reason recorded).
 *
 * @example
 *   throw new VersionNotReadyError('fraud', '7', 'its run has no metrics yet');
 */
import type { Weights } from '../domain/servingPorts';

/** Base of every error the promotion use case raises on purpose. */
export class PromotionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PromotionError';
  }
}

/** The version is not ready in the registry yet; the message is retried later. */
export class VersionNotReadyError extends PromotionError {
  constructor(model: string, version: string, reason: string) {
    super(`${model} v${version}: ${reason}; will retry`);
    this.name = 'VersionNotReadyError';
  }
}

/** A decision handed an event on, but this worker was deployed without the promotion queue's URL. */
export class QueueNotConfiguredError extends PromotionError {
  constructor(setting: 'PROMOTION_QUEUE_URL' | 'COPY_QUEUE_URL' = 'PROMOTION_QUEUE_URL') {
    super(
      `the worker has no ${setting === 'COPY_QUEUE_URL' ? 'copy' : 'promotion'} queue configured (${setting})`,
    );
    this.name = 'QueueNotConfiguredError';
  }
}

/** The endpoint is still updating: not an error of the decision, the event is retried. */
export class EndpointNotReadyError extends PromotionError {
  constructor(endpoint: string, status: string) {
    super(`endpoint ${endpoint} is ${status}, not ready for a weight change; will retry`);
    this.name = 'EndpointNotReadyError';
  }
}

/** The endpoint reports other weights than the ones just set. */
export class TrafficMismatchError extends PromotionError {
  constructor(endpoint: string, wanted: Weights, live: Weights) {
    super(`endpoint ${endpoint} reports ${JSON.stringify(live)} after asking for ${JSON.stringify(wanted)}`);
    this.name = 'TrafficMismatchError';
  }
}

/** A queue message that is no promotion event: retried, then dead-lettered with this reason. */
export class InvalidQueueMessageError extends Error {
  constructor(messageId: string, detail: string) {
    super(`message ${messageId} is not a promotion event: ${detail}`);
    this.name = 'InvalidQueueMessageError';
  }
}
