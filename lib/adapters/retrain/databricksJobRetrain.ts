/**
 * Retraining by Databricks job: `POST /api/2.1/jobs/run-now` starts the team's training job with
 * job parameters `model`, `version`, `reason` and `alert` (strings, as Databricks requires; `alert`
 * is the alert as JSON, `version` and `alert` are empty when unknown). Define those four as job
 * parameters on the job. `idempotency_token` = the request's idempotency key, so Databricks
 * starts exactly one run however often the request is retried.
 *
 * @example
 *   const http = new HttpClient({ baseUrl: 'https://dbc-1234.cloud.databricks.com', auth: { token } });
 *   await new DatabricksJobRetrainTrigger(http, 455644833).trigger(request);
 *   // { target: 'databricks-job', id: '732817' }  (the run id)
 */
import * as z from 'zod/mini';
import { describeIssues } from '../../../events/issues';
import type { RetrainReceipt, RetrainRequest, RetrainTrigger } from '../../domain/retrainPorts';
import type { HttpClient } from '../registry/httpClient';
import { RetrainConfigError, RetrainResponseError, retrainError } from './errors';

const runNowOutput = z.object({ run_id: z.union([z.int(), z.string().check(z.regex(/^\d+$/))]) });

export class DatabricksJobRetrainTrigger implements RetrainTrigger {
  readonly kind = 'databricks-job' as const;
  private readonly jobId: number;

  /** `http` is an HttpClient on the workspace URL with a bearer token allowed to run the job. */
  constructor(
    private readonly http: Pick<HttpClient, 'request'>,
    jobId: string | number,
  ) {
    const id = Number(jobId);
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new RetrainConfigError('databricks-job', `job id ${jobId} is not a positive integer`);
    }
    this.jobId = id;
  }

  async trigger(request: RetrainRequest): Promise<RetrainReceipt> {
    let output: unknown;
    try {
      output = await this.http.request('POST', '/api/2.1/jobs/run-now', {
        body: {
          job_id: this.jobId,
          idempotency_token: request.idempotencyKey,
          job_parameters: {
            model: request.model,
            version: request.version ?? '',
            reason: request.reason,
            alert: request.alert ? JSON.stringify(request.alert) : '',
          },
        },
      });
    } catch (error) {
      throw retrainError('databricks-job', error);
    }
    const result = runNowOutput.safeParse(output);
    if (!result.success)
      throw new RetrainResponseError('databricks-job', describeIssues(result.error.issues));
    return { target: 'databricks-job', id: String(result.data.run_id) };
  }
}
