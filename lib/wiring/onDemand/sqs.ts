/**
 * The worker's queues: the promotion queue (routed alerts and superseding aborts handed on), the
 * copy queue and SQS retrain targets. Imported on first use (lib/wiring/deferred.ts): most of the
 * worker's invocations hand nothing on.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SqsCopyRequests } from '../../adapters/queue/sqsCopyRequests';
import { SqsEventQueue } from '../../adapters/queue/sqsEventQueue';
import { SqsRetrainTrigger } from '../../adapters/retrain/sqsRetrain';
import { sqsClient } from '../sqsClient';

let shared: SQSClient | undefined;
/** One SQS client for every queue of the process. */
const client = () => {
  shared ??= sqsClient();
  return shared;
};

export const eventQueue = (queueUrl: string) => new SqsEventQueue(client(), queueUrl);

export const copyRequests = (queueUrl: string) => new SqsCopyRequests(client(), queueUrl);

/** An SQS retrain target, on `sqs` when the caller has its own client (tests), else the process's. */
export const sqsRetrain = (queueUrl: string, sqs: Pick<SQSClient, 'send'> = client()) =>
  new SqsRetrainTrigger(sqs, queueUrl);
