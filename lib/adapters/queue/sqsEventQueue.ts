/**
 * The promotion queue on SQS FIFO: `MessageGroupId` = registered model (one model's events in
 * order, different models in parallel), `MessageDeduplicationId` = the sender's delivery id.
 *
 * @example
 *   const queue = new SqsEventQueue(sqsClient(), process.env.PROMOTION_QUEUE_URL!);
 *   await queue.enqueue(event);
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PromotionEvent } from '../../../events/promotionEvent';
import type { EventQueue } from '../../domain/queuePorts';
import { EnqueueError } from './errors';
import { sendMessageInput } from './fifoMessage';

export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly sqs: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
  ) {}

  async enqueue(event: PromotionEvent): Promise<void> {
    try {
      await this.sqs.send(new SendMessageCommand(sendMessageInput(this.queueUrl, event)));
    } catch (error) {
      throw new EnqueueError(error);
    }
  }
}
