/**
 * The promotion queue through the small signed JSON client instead of @aws-sdk/client-sqs: the
 * ingress functions then bundle no SDK client at all (its shared core was most of their cold
 * start), and the worker hands events on without a second SQS client. Same message shape as
 * SqsEventQueue; any failure to send is an EnqueueError (503 on the HTTP routes).
 *
 * @example
 *   const queue = new JsonSqsEventQueue(sqsJsonClient(signingFromEnvironment()), config.PROMOTION_QUEUE_URL);
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
