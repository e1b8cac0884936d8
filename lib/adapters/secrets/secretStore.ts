/**
 * Secrets come from SSM Parameter Store: functions are given parameter *names* and read the
 * values at run time, cached briefly so a rotated secret takes effect within a minute. A
 * parameter may hold several values (one per line, or comma-separated) to allow rotation.
 *
 * @example
 *   const secrets = new SsmSecretStore(ssmClient());
 *   await secrets.values('/baton/prod/mlflow-webhook-secrets'); // ['new', 'old']
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ServiceUnavailableError } from '../../domain/httpErrors';
import type { SecretStore } from '../../domain/ports';
import { awsFailure } from '../aws/awsErrors';

export type { SecretStore };

/** The official SSM client (lib/wiring/awsClients.ts `ssmClient`), or a fake `send` in tests. */
export type SsmCaller = Pick<SSMClient, 'send'>;

export class SecretUnavailableError extends ServiceUnavailableError {
  constructor(name: string, cause: unknown) {
    super('secret_unavailable', `could not read secret ${name}; retry later`, { cause });
    this.name = 'SecretUnavailableError';
  }
}

export function splitSecretValues(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

export class SsmSecretStore implements SecretStore {
  private readonly cache = new Map<string, { values: string[]; expires: number }>();

  constructor(
    private readonly ssm: SsmCaller,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async values(name: string): Promise<string[]> {
    const cached = this.cache.get(name);
    if (cached && cached.expires > this.now()) return cached.values;
    let values: string[];
    try {
      const { Parameter } = await this.ssm.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      );
      values = splitSecretValues(Parameter?.Value ?? '');
    } catch (error) {
      // Not configured is an answer (no values); anything else is an outage the caller maps to 503.
      if (awsFailure(error)?.code !== 'ParameterNotFound') {
        throw new SecretUnavailableError(name, error);
      }
      values = [];
    }
    this.cache.set(name, { values, expires: this.now() + this.ttlMs });
    return values;
  }
}
