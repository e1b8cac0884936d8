/**
 * The copier's use case: one requested copy (lib/app/copyVersion.ts). When this invocation's time
 * budget runs out, the files done are recorded and the copy hands itself the rest as a new request,
 * so the next invocation resumes at once (not after the queue's visibility timeout); every
 * invocation copies at least one file, so a copy always ends. Any other failure fails the record,
 * which SQS delivers again (and, in the end, to the copy queue's DLQ).
 *
 * @example
 *   await runCopyJob({ effect, sourceModel: 'staging.models.fraud' }, deps); // { status: 'copied', … }
 */
import type { CopyJob, CopyRequests } from '../domain/copyPorts';
import { CopyIncompleteError } from './copyErrors';
import { type CopyDeps, type CopyOutcome, copyVersion } from './copyVersion';

export interface CopyJobDeps extends CopyDeps {
  /** The copy queue, for the rest of a copy that did not finish in this invocation. */
  requests: CopyRequests;
}

export async function runCopyJob(
  job: CopyJob,
  deps: CopyJobDeps,
): Promise<CopyOutcome | { status: 'continued'; reason: string }> {
  try {
    return await copyVersion(job.effect, job.sourceModel, deps);
  } catch (error) {
    if (!(error instanceof CopyIncompleteError)) throw error;
    await deps.requests.request({ ...job, part: (job.part ?? 0) + 1 });
    return { status: 'continued', reason: error.message };
  }
}
