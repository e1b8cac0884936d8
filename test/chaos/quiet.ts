/**
 * Waiting for quiet before counting, instead of sleeping: a fault-injection scenario counts lost
 * and duplicated work only once every event it caused has been handled. Quiet is the promotion
 * queue holding nothing (visible or in flight) on several polls in a row that span at least one
 * tick, so a late reconciler sweep or a redelivery still on its way is seen before counting.
 *
 * @example
 *   await quiet(() => promotionQueueDepth(stack, sqs), { spanMs: 4_000, timeoutMs: 60_000 });
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalStack } from '../../local/stack';
import { eventually } from '../support/registryWaits';

/** Messages in the stack's promotion queue, visible or in flight. */
export async function promotionQueueDepth(stack: LocalStack, sqs: SQSClient): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: stack.resources.resolveString({ Ref: 'PromotionQueue' }),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

/**
 * Resolves once `depth` has read 0 on every poll for `spanMs` (longer than the stack's tick), or
 * throws after `timeoutMs`.
 */
export async function quiet(
  depth: () => Promise<number>,
  options: { spanMs: number; timeoutMs: number },
): Promise<void> {
  let emptySince: number | null = null;
  await eventually(
    async () => {
      if ((await depth()) > 0) {
        emptySince = null;
        return undefined;
      }
      emptySince ??= Date.now();
      return Date.now() - emptySince >= options.spanMs ? true : undefined;
    },
    options.timeoutMs,
    `a promotion queue empty for ${options.spanMs / 1000} s`,
  );
}
