/**
 * The promotion queue port: ordered per registered model, deduplicated on the sender's id.
 *
 * @example
 *   await queue.enqueue(event); // throws EnqueueError when the queue cannot take it
 */
import type { PromotionEvent } from '../../events/promotionEvent';

export interface EventQueue {
  enqueue(event: PromotionEvent): Promise<void>;
}
