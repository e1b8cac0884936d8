/**
 * Subscribed to the notifications topic. Until Slack delivery arrives with the approvals issue,
 * notifications are logged (the null notifier).
 */
import type { SNSEvent } from 'aws-lambda';
import { logger } from '../lib/log';

export const handler = async (event: SNSEvent): Promise<void> => {
  for (const record of event.Records) {
    logger.info('notification', { subject: record.Sns.Subject, messageId: record.Sns.MessageId });
  }
};
