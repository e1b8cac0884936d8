/**
 * The copy queue on SQS FIFO: one message group per copy (source version → destination model), so
 * SQS never hands out a copy's next message while one of its invocations still runs: two copier
 * invocations never work on one copy at once (which could create two runs or versions). The
 * deduplication id is the group and the part (0 for the worker's request, n for the n-th rest a
 * copy handed itself), so the worker's repeated request within SQS's five minutes is dropped, and
 * a later one finds the copy already made. The copier consumes them; a copy that ran out of its
 * invocation's time sends its rest as the next part.
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
import { fifoId } from './fifoMessage';

/** The message group of a copy: its source version and its destination. */
function copyGroupOf(job: CopyJob): string {
  const { effect } = job;
  return fifoId(`${job.sourceModel}/${effect.version}>${effect.registry ?? ''}/${effect.model}`);
}

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
  part: z.optional(z.int().check(z.nonnegative())),
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
      const group = copyGroupOf(job);
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(job),
          MessageGroupId: group,
          MessageDeduplicationId: fifoId(`${group}#${job.part ?? 0}`),
        }),
      );
    } catch (error) {
      throw new EnqueueError(error);
    }
  }
}
