/**
 * The promotion queue's consumer: decide, then apply (lib/app/handlePromotionRecord). Records are
 * processed in order per registered model with partial batch failure reporting: a failed record
 * fails only the rest of its model's group, which SQS redelivers (after maxReceiveCount, to the
 * DLQ); other models' records are unaffected.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { handlePromotionRecord } from '../lib/app/handlePromotionRecord';
import { coldStart } from '../lib/wiring/coldStart';
import { promotionDeps } from '../lib/wiring/promotion';

const deps = coldStart(promotionDeps);
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const ready = await deps();
  return processPartialResponse(
    event,
    (record: SQSRecord) => handlePromotionRecord(record, ready),
    new SqsFifoPartialProcessorAsync(),
    { context, skipGroupOnError: true, throwOnFullBatchFailure: false },
  );
};
