/**
 * The promotion queue through the small signed JSON client instead of @aws-sdk/client-sqs: the
 * worker hands events on (routed alerts, superseding aborts) without bundling a second SQS client.
 * Same message shape as SqsEventQueue.
 *
 * @example
 *   const queue = new JsonSqsEventQueue(sqsJsonClient(signing), process.env.PROMOTION_QUEUE_URL!);
 */
import type { PromotionEvent } from '../../events/promotionEvent';
import type { SignedJsonClient } from '../aws/signedJsonClient';
import { EnqueueError } from './errors';
import type { EventQueue } from './eventQueue';
import { sendMessageInput } from './fifoMessage';

export class JsonSqsEventQueue implements EventQueue {
  constructor(
    private readonly sqs: Pick<SignedJsonClient, 'call'>,
    private readonly queueUrl: string,
  ) {}

  async enqueue(event: PromotionEvent): Promise<void> {
    try {
      await this.sqs.call('SendMessage', sendMessageInput(this.queueUrl, event));
    } catch (error) {
      throw new EnqueueError(error);
    }
  }
}
