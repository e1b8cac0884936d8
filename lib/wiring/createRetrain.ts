/**
 * Picks the retraining adapter for a policy's `retrain.target`. Secrets and clients are injected
 * (the wiring reads them from the secret store once per cold start), so this stays free of I/O.
 *
 * @example
 *   const trigger = createRetrain(policy.retrain.target, {
 *     httpSecret, databricksHost: 'https://dbc-1234.cloud.databricks.com', databricksToken, sqsClient,
 *   });
 *   await trigger.trigger(request);
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { HttpClient } from '../adapters/registry/httpClient';
import { DatabricksJobRetrainTrigger } from '../adapters/retrain/databricksJobRetrain';
import { RetrainConfigError } from '../adapters/retrain/errors';
import { HttpRetrainTrigger } from '../adapters/retrain/httpRetrain';
import { SqsRetrainTrigger } from '../adapters/retrain/sqsRetrain';
import type { Policy } from '../domain/policy';
import type { RetrainTrigger } from '../domain/retrainPorts';

export type RetrainTarget = NonNullable<Policy['retrain']>['target'];

export interface RetrainDeps {
  /** Signs webhook bodies (httpRetrain.ts); required for `http` targets. */
  httpSecret?: string;
  /** The workspace URL and a token allowed to run the job; required for `databricks-job` targets. */
  databricksHost?: string;
  databricksToken?: string;
  /** The official SQS client (lib/adapters/aws/awsClients.ts `sqsClient`); required for `sqs` targets. */
  sqsClient?: Pick<SQSClient, 'send'>;
  /** Passed to the HTTP clients (tests). */
  fetch?: typeof globalThis.fetch;
}

export function createRetrain(target: RetrainTarget, deps: RetrainDeps): RetrainTrigger {
  switch (target.kind) {
    case 'http':
      if (!deps.httpSecret) throw new RetrainConfigError('http', 'no webhook signing secret');
      return new HttpRetrainTrigger({ url: target.url, secret: deps.httpSecret, fetch: deps.fetch });
    case 'sqs':
      if (!deps.sqsClient) throw new RetrainConfigError('sqs', 'no SQS client');
      return new SqsRetrainTrigger(deps.sqsClient, target.queueUrl);
    case 'databricks-job': {
      if (!deps.databricksHost || !deps.databricksToken) {
        throw new RetrainConfigError('databricks-job', 'no Databricks host and token');
      }
      const http = new HttpClient({
        baseUrl: deps.databricksHost,
        auth: { token: deps.databricksToken },
        fetch: deps.fetch,
      });
      return new DatabricksJobRetrainTrigger(http, target.jobId);
    }
  }
}
