/**
 * The promotion queue's consumer. Records are processed in order per registered model with
 * partial batch failure reporting: a failed record fails only the rest of its model's group,
 * which SQS redelivers; other models' records are unaffected.
 *
 * At this stage the worker validates and acknowledges each event; the decide-then-apply core
 * arrives with the compliance-checks issue.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describeIssues } from '../events/issues';
import { type PromotionEvent, promotionEventSchema } from '../events/promotionEvent';
import { logger } from '../lib/log';

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

export async function handleRecord(record: SQSRecord): Promise<void> {
  const event = parseRecord(record);
  logger.info('promotion event received', {
    kind: event.kind,
    model: event.model,
    version: event.version,
    alias: event.alias,
    receiveCount: record.attributes.ApproximateReceiveCount,
  });
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, handleRecord, new SqsFifoPartialProcessorAsync(), {
    context,
    skipGroupOnError: true,
    throwOnFullBatchFailure: false,
  });
