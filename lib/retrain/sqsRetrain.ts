/**
 * Retraining by queue: sends the request as the JSON body of one SQS message to the policy's
 * queue. A FIFO queue (URL ending `.fifo`) gets MessageGroupId = model, so one model's requests
 * are handled in order, and MessageDeduplicationId = idempotencyKey, so a redelivered alert within
 * SQS's five-minute window does not queue a second request.
 *
 * Speaks SQS's JSON protocol through SignedJsonClient rather than the SDK client, to keep the
 * retraining path free of another SDK bundle.
 *
 * @example
 *   const trigger = new SqsRetrainTrigger(sqsJsonClient({ region, credentials }), queueUrl);
 *   await trigger.trigger(request); // { target: 'sqs', id: '5fea7756-0ea4-451a-a703-a558b933e274' }
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { describeIssues } from '../../events/issues';
import { SignedJsonClient, type SignedJsonClientOptions } from '../aws/signedJsonClient';
import { RetrainResponseError, retrainError } from './errors';
import type { RetrainReceipt, RetrainRequest, RetrainTrigger } from './ports';

const sendMessageOutput = z.object({ MessageId: z.string() });

/**
 * A SignedJsonClient for SQS (honours AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL).
 *
 * @example
 *   const sqs = sqsJsonClient({ region: 'eu-west-1', credentials: fromEnv() });
 */
export function sqsJsonClient(
  options: Omit<SignedJsonClientOptions, 'service' | 'endpointPrefix' | 'target' | 'version'>,
): SignedJsonClient {
  return new SignedJsonClient({
    service: 'sqs',
    endpointPrefix: 'sqs',
    target: 'AmazonSQS',
    version: '1.0',
    endpointEnvName: 'SQS',
    ...options,
  });
}

/** FIFO ids allow 1–128 printable ASCII characters; anything else is hashed to fit. */
function fifoId(value: string): string {
  return /^[\x21-\x7e]{1,128}$/.test(value) ? value : createHash('sha256').update(value).digest('hex');
}

export class SqsRetrainTrigger implements RetrainTrigger {
  readonly kind = 'sqs' as const;

  constructor(
    private readonly sqs: Pick<SignedJsonClient, 'call'>,
    private readonly queueUrl: string,
  ) {}

  async trigger(request: RetrainRequest): Promise<RetrainReceipt> {
    const fifo = new URL(this.queueUrl).pathname.endsWith('.fifo');
    let output: unknown;
    try {
      output = await this.sqs.call('SendMessage', {
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(request),
        ...(fifo && {
          MessageGroupId: fifoId(request.model),
          MessageDeduplicationId: fifoId(request.idempotencyKey),
        }),
      });
    } catch (error) {
      throw retrainError('sqs', error);
    }
    const result = sendMessageOutput.safeParse(output);
    if (!result.success) throw new RetrainResponseError('sqs', describeIssues(result.error.issues));
    return { target: 'sqs', id: result.data.MessageId };
  }
}
