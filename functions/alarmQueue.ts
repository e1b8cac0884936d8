/**
 * Consumes the alarm queue (CloudWatch alarms via the alerts SNS topic). At this stage it
 * accepts only notifications from the allowed topics and logs them; mapping alarms to rollbacks
 * arrives with the monitoring-alerts issue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { readConfig } from '../lib/config';
import { logger } from '../lib/log';

const snsEnvelope = z.looseObject({ Type: z.string(), TopicArn: z.string(), Message: z.string() });

export async function handleAlarmRecord(record: SQSRecord, allowedTopics: readonly string[]): Promise<void> {
  const envelope = snsEnvelope.safeParse(JSON.parse(record.body));
  if (!envelope.success || !allowedTopics.includes(envelope.data.TopicArn)) {
    // Not from an allowed topic: acknowledged and dropped, never acted on.
    logger.warn('alarm message from an unknown source dropped', { messageId: record.messageId });
    return;
  }
  logger.info('alarm notification received', { topic: envelope.data.TopicArn, messageId: record.messageId });
}

let allowed: string[] | undefined;
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  allowed ??= readConfig(z.object({ ALLOWED_ALARM_TOPIC_ARNS: z.string() })).ALLOWED_ALARM_TOPIC_ARNS.split(
    ',',
  );
  const topics = allowed;
  return processPartialResponse(
    event,
    (record: SQSRecord) => handleAlarmRecord(record, topics),
    new BatchProcessor(EventType.SQS),
    {
      context,
      throwOnFullBatchFailure: false,
    },
  );
};
