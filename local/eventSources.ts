/**
 * Lambda's event sources on one machine: each SQS event source mapping of the template becomes a
 * poller that hands messages to its function in Lambda's event shape (partial batch failures
 * honoured), and each SNS-to-Lambda subscription becomes an SQS subscription on a local-only queue,
 * since the emulator cannot call a local process.
 *
 * @example
 *   const pollers = await eventSourcePollers({ template, stack, aws, invoker, retryDelaySeconds: 1, log });
 *   for (const poller of pollers) poller.start();
 */
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Invoker } from './functionProcess';
import { type AwsTarget, awsClientConfig, partitionOf, type StackResources } from './resources';
import { type Poller, queuePoller } from './sqsPoller';
import { type CfnTemplate, functionIdOf } from './template';

export interface EventSourceOptions {
  template: CfnTemplate;
  stack: StackResources;
  aws: AwsTarget;
  invoker: (functionId: string) => Invoker;
  /** Lambda re-drives failed records after the visibility timeout; locally, after this. */
  retryDelaySeconds: number;
  log: (line: string) => void;
}

/**
 * One poller per SQS event source mapping and per SNS-to-Lambda subscription, not started yet.
 *
 * @example
 *   const pollers = await eventSourcePollers(options); // [worker's queue, notifier's topic, …]
 */
export async function eventSourcePollers(options: EventSourceOptions): Promise<Poller[]> {
  const { template, stack, aws, invoker, retryDelaySeconds, log } = options;
  const sqs = new SQSClient(awsClientConfig(aws));
  const pollers: Poller[] = [];
  for (const resource of Object.values(template.Resources)) {
    const properties = resource.Properties as Record<string, unknown>;
    if (resource.Type === 'AWS::Lambda::EventSourceMapping') {
      const queueId = functionIdOf(properties.EventSourceArn)!;
      pollers.push(
        queuePoller({
          sqs,
          queueUrl: stack.resolveString({ Ref: queueId }),
          queueArn: stack.resolveString(properties.EventSourceArn),
          region: aws.region,
          batchSize: Number(properties.BatchSize ?? 10),
          reportsBatchItemFailures: ((properties.FunctionResponseTypes as string[]) ?? []).includes(
            'ReportBatchItemFailures',
          ),
          retryDelaySeconds,
          invoke: (event) => invoker(functionIdOf(properties.FunctionName)!).invoke(event),
          log,
          deadLetter: deadLetterOf(template.Resources[queueId]?.Properties?.RedrivePolicy, stack),
        }),
      );
    }
    if (resource.Type === 'AWS::SNS::Subscription' && properties.Protocol === 'lambda') {
      pollers.push(await snsToLambda(properties, stack, aws, sqs, invoker, retryDelaySeconds, log));
    }
  }
  return pollers;
}

/** The DLQ a redrive policy names, for the poller's dead-letter log line. */
function deadLetterOf(redrive: unknown, stack: StackResources, maxReceiveCount?: number) {
  const policy = redrive as { deadLetterTargetArn?: unknown; maxReceiveCount?: number } | undefined;
  const id = functionIdOf(policy?.deadLetterTargetArn);
  if (!id) return undefined;
  return {
    queueName: stack.resolveString({ 'Fn::GetAtt': [id, 'QueueName'] }),
    maxReceiveCount: Number(maxReceiveCount ?? policy?.maxReceiveCount),
  };
}

/**
 * SNS invokes Lambda subscribers itself; the emulator cannot reach a local process, so each
 * such subscription becomes an SQS subscription on a local-only queue whose messages are handed
 * to the function as SNS events, one record per invocation, as SNS does.
 */
async function snsToLambda(
  properties: Record<string, unknown>,
  stack: StackResources,
  aws: AwsTarget,
  sqs: SQSClient,
  invoker: (id: string) => Invoker,
  retryDelaySeconds: number,
  log: (line: string) => void,
): Promise<Poller> {
  const functionId = functionIdOf(properties.Endpoint)!;
  const topicArn = stack.resolveString(properties.TopicArn);
  const name = `${topicArn.split(':').pop()}-local-${functionId}`.slice(0, 80);
  const redrive = properties.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
  const attributes: Record<string, string> = {};
  if (redrive?.deadLetterTargetArn) {
    // SNS retries a failing Lambda subscriber a few times, then dead-letters the message.
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: stack.resolveString(redrive.deadLetterTargetArn),
      maxReceiveCount: 3,
    });
  }
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const queueArn = `arn:${partitionOf(aws.region)}:sqs:${aws.region}:${aws.accountId}:${name}`;
  const sns = new SNSClient(awsClientConfig(aws));
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      ReturnSubscriptionArn: true,
    }),
  );
  sns.destroy();
  return queuePoller({
    sqs,
    queueUrl: QueueUrl!,
    queueArn,
    region: aws.region,
    batchSize: 1,
    reportsBatchItemFailures: false,
    retryDelaySeconds,
    log,
    deadLetter: deadLetterOf(redrive, stack, 3),
    invoke: (event) => {
      const record = (event as { Records: Array<{ body: string }> }).Records[0]!;
      const envelope = JSON.parse(record.body) as Record<string, unknown>;
      return invoker(functionId).invoke({
        Records: [
          {
            EventSource: 'aws:sns',
            EventVersion: '1.0',
            EventSubscriptionArn: SubscriptionArn,
            Sns: {
              Type: envelope.Type,
              MessageId: envelope.MessageId,
              TopicArn: envelope.TopicArn,
              Subject: envelope.Subject ?? null,
              Message: envelope.Message,
              Timestamp: envelope.Timestamp,
              SignatureVersion: envelope.SignatureVersion,
              Signature: envelope.Signature,
              SigningCertUrl: envelope.SigningCertURL,
              UnsubscribeUrl: envelope.UnsubscribeURL,
              MessageAttributes: envelope.MessageAttributes ?? {},
            },
          },
        ],
      });
    },
  });
}
