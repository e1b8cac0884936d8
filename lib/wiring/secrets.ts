/**
 * The process's one secret store, on the official SSM client: every secret a function reads (its
 * signing secrets, tokens, keys) goes through its one 60-second cache, so a rotation applies within
 * a minute without a cold start.
 *
 * @example
 *   await secretStore().values('/baton/prod/mlflow-webhook-secrets');
 */
import { SsmSecretStore } from '../adapters/secrets/secretStore';
import type { SecretStore } from '../domain/ports';
import { ssmClient } from './awsClients';

let shared: SecretStore | undefined;

/** The process's one secret store: every secret is read through its one 60-second cache. */
export function secretStore(): SecretStore {
  shared ??= new SsmSecretStore(ssmClient());
  return shared;
}
