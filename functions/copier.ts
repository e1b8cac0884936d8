/**
 * The copy queue's consumer: each record is one verified copy between environments
 * (lib/app/copyJob.ts), one record per invocation with a timeout of its own (models are
 * gigabytes). A copy that runs out of its time budget records its progress and queues the rest; any
 * other failure fails the record, which SQS delivers again (in the end, to the copy DLQ).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseCopyJob } from '../lib/adapters/queue/sqsCopyRequests';
import { type CopyJobDeps, runCopyJob } from '../lib/app/copyJob';
import { coldStart } from '../lib/wiring/coldStart';
import { copierDeps } from '../lib/wiring/copier';

export function copier(event: SQSEvent, context: Context, deps: CopyJobDeps): Promise<SQSBatchResponse> {
  return processPartialResponse(
    event,
    (record: SQSRecord) => runCopyJob(parseCopyJob(record.body), deps),
    new BatchProcessor(EventType.SQS),
    { context, throwOnFullBatchFailure: false },
  );
}

const deps = coldStart(copierDeps);
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  copier(event, context, await deps());
