/**
 * The promotion queue an ingress function hands its events to, on the official SQS client (its
 * secrets come through secrets.ts).
 *
 * @example
 *   const queue = promotionQueue(config.PROMOTION_QUEUE_URL);
 */
import { SqsEventQueue } from '../adapters/queue/sqsEventQueue';
import type { EventQueue } from '../domain/queuePorts';
import { sqsClient } from './sqsClient';

export function promotionQueue(queueUrl: string): EventQueue {
  return new SqsEventQueue(sqsClient(), queueUrl);
}
