/**
 * The copy queue on SQS (standard: a copy is idempotent, so a duplicate delivery finds the copy it
 * made and creates nothing; order does not matter). The worker sends each requested copy here, the
 * copier consumes them, and a copy that ran out of its invocation's time sends itself again.
 *
 * @example
 *   const copies = new SqsCopyRequests(sqsClient(), process.env.COPY_QUEUE_URL!);
 *   await copies.request({ effect, sourceModel: 'staging.models.fraud' });
 *   parseCopyJob(record.body); // the same job, checked
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { describeIssues } from '../../../events/issues';
import { parseJson } from '../../../events/json';
import type { CopyJob, CopyRequests } from '../../domain/copyPorts';
import { EnqueueError } from './errors';

const text = z.string().check(z.minLength(1));
const copyJobSchema = z.strictObject({
  effect: z.strictObject({
    type: z.literal('copyVersion'),
    version: text,
    registry: z.optional(text),
    model: text,
    approvedBy: z.array(z.string()),
  }),
  sourceModel: text,
});

/** The job a copy-queue message holds; throws naming what is wrong (the record fails, ending in the DLQ). */
export function parseCopyJob(body: string): CopyJob {
  const json = parseJson(body);
  if (!json.ok) throw new Error(`copy queue message: not JSON (${json.reason})`);
  const parsed = copyJobSchema.safeParse(json.value);
  if (!parsed.success) throw new Error(`copy queue message: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

export class SqsCopyRequests implements CopyRequests {
  constructor(
    private readonly sqs: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
  ) {}

  async request(job: CopyJob): Promise<void> {
    try {
      await this.sqs.send(
        new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job) }),
      );
    } catch (error) {
      throw new EnqueueError(error);
    }
  }
}
