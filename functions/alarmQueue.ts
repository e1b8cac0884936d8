/**
 * Consumes the alarm queue (CloudWatch alarms via the alerts SNS topic): each message becomes an
 * unrouted alert event on the promotion queue, which the worker routes to models by their
 * policies. A message from a topic not allowed, or that is no alarm at all, is acknowledged and
 * dropped with a warning (no retry could make it acceptable); a failure to enqueue fails only its
 * own record, which SQS delivers again (after maxReceiveCount, to the alarm DLQ).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { sqsClient } from '../lib/adapters/aws/awsClients';
import { SqsEventQueue } from '../lib/adapters/queue/sqsEventQueue';
import { judgeAlarmMessage } from '../lib/app/ingress/alarmIngress';
import type { EventQueue } from '../lib/domain/queuePorts';
import { logger } from '../lib/log';
import { readConfig } from '../lib/wiring/config';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  ALLOWED_ALARM_TOPIC_ARNS: z.string(),
});

export interface AlarmQueueDeps {
  queue: EventQueue;
  allowedTopics: readonly string[];
  now: () => Date;
}

export async function handleAlarmRecord(record: SQSRecord, deps: AlarmQueueDeps): Promise<void> {
  const verdict = judgeAlarmMessage(record.body, { allowedTopics: deps.allowedTopics, now: deps.now() });
  const context = { messageId: record.messageId, topicArn: verdict.topicArn };
  if (!verdict.event) {
    logger.warn('alarm message dropped', { ...context, ...verdict.dropped });
    return;
  }
  await deps.queue.enqueue(verdict.event);
  const { name, state, fingerprint } = verdict.event.alert;
  logger.info('queued alarm', { ...context, name, state, fingerprint });
}

export function alarmQueue(
  event: SQSEvent,
  context: Context,
  deps: AlarmQueueDeps,
): Promise<SQSBatchResponse> {
  return processPartialResponse(
    event,
    (record: SQSRecord) => handleAlarmRecord(record, deps),
    new BatchProcessor(EventType.SQS),
    { context, throwOnFullBatchFailure: false },
  );
}

function defaultDeps(): AlarmQueueDeps {
  const config = readConfig(configSchema);
  return {
    queue: new SqsEventQueue(sqsClient(), config.PROMOTION_QUEUE_URL),
    allowedTopics: config.ALLOWED_ALARM_TOPIC_ARNS.split(',')
      .map((arn) => arn.trim())
      .filter(Boolean),
    now: () => new Date(),
  };
}

let deps: AlarmQueueDeps | undefined;
export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  deps ??= defaultDeps();
  return alarmQueue(event, context, deps);
};
