/**
 * A queue subscribed to a stack's notifications topic (raw delivery), standing in for any
 * machine subscriber: tests read what Baton announced from it.
 *
 * @example
 *   const probe = await notificationProbe(stack);
 *   const request = await probe.find((n) => n.kind === 'approval.requested' && n.model === model);
 */
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Notification } from '../../events/notification';
import { awsClientConfig, partitionOf } from '../../local/resources';
import type { LocalStack } from '../../local/stack';
import { uniqueName } from './localStack';
import { eventually } from './registryWaits';

export async function notificationProbe(stack: LocalStack) {
  const config = awsClientConfig(stack.aws);
  const sqs = new SQSClient(config);
  const name = uniqueName('notifications-probe');
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const sns = new SNSClient(config);
  await sns.send(
    new SubscribeCommand({
      TopicArn: stack.resources.resolveString({ Ref: 'NotificationsTopic' }),
      Protocol: 'sqs',
      Endpoint: `arn:${partitionOf(stack.aws.region)}:sqs:${stack.aws.region}:${stack.aws.accountId}:${name}`,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  sns.destroy();
  const received: Notification[] = [];

  /** Everything announced so far (reads what has arrived since the last call). */
  const drain = async (): Promise<Notification[]> => {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (!Messages.length) return received;
      received.push(...Messages.map((m) => JSON.parse(m.Body!) as Notification));
      // Read once: an undeleted message comes back after the visibility timeout (30 s) as a phantom second notice.
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  };

  return {
    drain,
    /** The first notification that matches, waiting for it to arrive. */
    find: (match: (n: Notification) => boolean, timeoutMs = 30_000) =>
      eventually(async () => (await drain()).find(match), timeoutMs, 'a matching notification'),
  };
}
