/**
 * Consumes the alarm queue (CloudWatch alarms via the alerts SNS topic): each message becomes an
 * unrouted alert event on the promotion queue (lib/app/acceptAlarm), which the worker routes to
 * models by their policies. A message that is no acceptable alarm is acknowledged and dropped; a
 * failure to enqueue fails only its own record, which SQS delivers again (in the end, to the DLQ).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type AlarmQueueDeps, acceptAlarm } from '../lib/app/acceptAlarm';
import { alarmQueueDeps } from '../lib/wiring/alarmQueue';
import { coldStart } from '../lib/wiring/coldStart';

export type { AlarmQueueDeps };

export function alarmQueue(
  event: SQSEvent,
  context: Context,
  deps: AlarmQueueDeps,
): Promise<SQSBatchResponse> {
  return processPartialResponse(
    event,
    (record: SQSRecord) => acceptAlarm(record, deps),
    new BatchProcessor(EventType.SQS),
    { context, throwOnFullBatchFailure: false },
  );
}

const deps = coldStart(alarmQueueDeps);
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  alarmQueue(event, context, await deps());
