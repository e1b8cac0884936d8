/**
 * SSM Parameter Store over the small signed JSON client (awsJson1_1): the secret store needs only
 * GetParameter, and @aws-sdk/client-ssm would add its whole serde to every function's bundle.
 * Region and credentials come from Lambda's environment (lib/aws/environmentSigning) or from an
 * AWS SDK client the function already has (its resolved default chain); the endpoint honours
 * AWS_ENDPOINT_URL_SSM and AWS_ENDPOINT_URL, so the local stack's emulator is reached too.
 *
 * @example
 *   const secrets = new SsmSecretStore(ssmClient(signingFromEnvironment()));
 */
import { SignedJsonClient, type SignedJsonClientOptions } from '../aws/signedJsonClient';

/**
 * A client for SSM signed with `signing`'s region and credentials (from the environment, or an
 * SDK client's `config`).
 *
 * @example
 *   await ssmClient(signingFromEnvironment()).call('GetParameter', { Name: '/baton/prod/registry-token', WithDecryption: true });
 */
export function ssmClient(
  signing: Pick<SignedJsonClientOptions, 'region' | 'credentials'>,
  options: Pick<SignedJsonClientOptions, 'env' | 'fetch' | 'timeoutMs' | 'retries'> = {},
): SignedJsonClient {
  return new SignedJsonClient({
    ...options,
    region: signing.region,
    credentials: signing.credentials,
    service: 'ssm',
    endpointPrefix: 'ssm',
    target: 'AmazonSSM',
    version: '1.1',
  });
}
