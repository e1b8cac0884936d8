/**
 * Waiting for quiet instead of sleeping: a test that proves something happened exactly once must
 * first know that every event it caused was handled. The promotion queue being empty, with
 * nothing in flight, is that condition (the worker deletes a message only after handling it, and
 * hands routed alerts on before deleting the one it routed).
 *
 * @example
 *   await promotionQueueDrained(stack);
 *   expect(await rollbackRecorded(v4)).toHaveLength(1);
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { eventually } from './registryWaits';

/** Resolves once the stack's promotion queue holds no message, visible or in flight. */
export async function promotionQueueDrained(stack: LocalStack, timeoutMs = 30_000): Promise<void> {
  const sqs = new SQSClient(awsClientConfig(stack.aws));
  const queueUrl = stack.resources.resolveString({ Ref: 'PromotionQueue' });
  try {
    await eventually(
      async () => {
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
        );
        const waiting =
          Number(Attributes.ApproximateNumberOfMessages) +
          Number(Attributes.ApproximateNumberOfMessagesNotVisible);
        return waiting === 0 ? true : undefined;
      },
      timeoutMs,
      'the promotion queue to drain',
    );
  } finally {
    sqs.destroy();
  }
}
