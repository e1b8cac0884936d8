/**
 * Every minute (EventBridge schedule). Finds due work through the table's DueIndex and the
 * registry reconciler's sweep; both arrive with later issues, so at this stage it only records
 * that the schedule fired.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { logger } from '../lib/log';

export const handler = async (event: ScheduledEvent): Promise<{ due: number }> => {
  logger.debug('tick', { time: event.time });
  return { due: 0 };
};
