/**
 * Secrets come from SSM Parameter Store: functions are given parameter *names* and read the
 * values at run time, cached briefly (60 s) so a rotated secret takes effect within a minute; a
 * caller whose credential was just refused asks for a fresh read. One store per process
 * (lib/wiring/ingressAdapters.ts `secretStore`) is the one cache every secret is read through.
 * A parameter may hold several values (one per line, or comma-separated) to allow rotation.
 *
 * @example
 *   const secrets = new SsmSecretStore(ssmClient());
 *   await secrets.values('/baton/prod/mlflow-webhook-secrets'); // ['new', 'old']
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ServiceUnavailableError } from '../../domain/httpErrors';
import type { SecretSource, SecretStore } from '../../domain/ports';
import { awsFailure } from '../aws/awsErrors';

export type { SecretSource, SecretStore };

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

  async values(name: string, options: { fresh?: boolean } = {}): Promise<string[]> {
    const cached = this.cache.get(name);
    if (cached && cached.expires > this.now() && !options.fresh) return cached.values;
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

/**
 * One named secret as a source read at use time through `store` (its cache): the first value,
 * the current one while a parameter holds `new,old` for rotation.
 *
 * @example
 *   const linkKey = secretSource(secretStore(), '/baton/prod/approval-link-key');
 *   await linkKey(); // 'k2…', re-read from SSM at most once a minute
 */
export function secretSource(store: SecretStore, name: string): SecretSource {
  return async (options) => (await store.values(name, options))[0];
}
