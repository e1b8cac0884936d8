/**
 * One promotion-queue record through the worker: parse it into the internal event, decide and
 * apply (processEvent). Work that processEvent stored but could not finish (an outage) is not a
 * failure: it is on the version's record, the tick retries it, and the record is acknowledged. A
 * failure is logged and recorded with its cause on the version's record
 * (so a message that ends in the DLQ has its error on file), then rethrown so the record is
 * retried, and the rest of its model's group with it.
 *
 * @example
 *   await handlePromotionRecord({ messageId: 'm-1', body, attributes: { ApproximateReceiveCount: '1' } }, deps);
 */
import { describeIssues } from '../../events/issues';
import { businessKey, type PromotionEvent, promotionEventSchema } from '../../events/promotionEvent';
import { logger } from '../log';
import { InvalidQueueMessageError } from './errors';
import { type PromotionDeps, processEvent } from './processEvent';

export interface QueueRecord {
  messageId: string;
  body: string;
  attributes: { ApproximateReceiveCount?: string };
}

/** Parses one queue record into the internal event, or throws (the record is then retried, then dead-lettered). */
export function parseRecord(record: Pick<QueueRecord, 'messageId' | 'body'>): PromotionEvent {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new InvalidQueueMessageError(record.messageId, 'body is not JSON');
  }
  const parsed = promotionEventSchema.safeParse(body);
  if (!parsed.success)
    throw new InvalidQueueMessageError(record.messageId, describeIssues(parsed.error.issues));
  return parsed.data;
}

export async function handlePromotionRecord(record: QueueRecord, deps: PromotionDeps): Promise<void> {
  const event = parseRecord(record);
  const context = { event: businessKey(event), type: event.type };
  try {
    const outcome = await processEvent(event, deps);
    if (outcome.deferred)
      logger.warn('promotion event stored; the rest waits for the tick', { ...context, ...outcome });
    else logger.info('promotion event processed', { ...context, ...outcome });
  } catch (error) {
    // Recorded with its cause, then rethrown so the record is retried (and dead-lettered in the end).
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? 1);
    logger.warn('promotion event failed; will retry', { ...context, receiveCount, error });
    await deps.store
      .recordFailure({
        at: deps.now().toISOString(),
        model: event.model,
        ...(event.version !== undefined && { version: event.version }),
        event: businessKey(event),
        messageId: record.messageId,
        receiveCount,
        error: `${(error as Error).name}: ${(error as Error).message}`,
      })
      .catch((recordError: unknown) => logger.error('could not record the failure', { recordError }));
    throw error;
  }
}
