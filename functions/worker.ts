/**
 * The promotion queue's consumer: decide, then apply (lib/app/processEvent). Records are
 * processed in order per registered model with partial batch failure reporting: a failed record
 * fails only the rest of its model's group, which SQS redelivers (after maxReceiveCount, to the
 * DLQ); other models' records are unaffected.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describeIssues } from '../events/issues';
import { businessKey, type PromotionEvent, promotionEventSchema } from '../events/promotionEvent';
import { type PromotionDeps, processEvent } from '../lib/app/processEvent';
import { logger } from '../lib/log';
import { promotionDeps } from '../lib/wiring/promotion';

export class InvalidQueueMessageError extends Error {
  constructor(messageId: string, detail: string) {
    super(`message ${messageId} is not a promotion event: ${detail}`);
    this.name = 'InvalidQueueMessageError';
  }
}

/** Parses one queue record into the internal event, or throws (the record is then retried, then dead-lettered). */
export function parseRecord(record: SQSRecord): PromotionEvent {
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

export async function handleRecord(record: SQSRecord, deps: PromotionDeps): Promise<void> {
  const event = parseRecord(record);
  const context = { event: businessKey(event), type: event.type };
  try {
    const outcome = await processEvent(event, deps);
    logger.info('promotion event processed', { ...context, ...outcome });
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

let deps: Promise<PromotionDeps> | undefined;
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  deps ??= promotionDeps();
  const ready = await deps;
  return processPartialResponse(
    event,
    (record: SQSRecord) => handleRecord(record, ready),
    new SqsFifoPartialProcessorAsync(),
    {
      context,
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    },
  );
};
