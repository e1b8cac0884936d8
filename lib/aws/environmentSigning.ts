/**
 * The region and credentials a function signs its AWS requests with, read from the variables
 * Lambda sets in every execution environment (AWS_REGION and the execution role's
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; local/runtime.ts sets them too).
 * Functions that need only SignedJsonClient read them here instead of constructing an SDK client
 * for its credential chain: the SDK's shared core is most of a cold import (≈30 ms).
 *
 * @example
 *   const signing = signingFromEnvironment();
 *   const queue = new JsonSqsEventQueue(sqsJsonClient(signing), config.PROMOTION_QUEUE_URL);
 */
import { ConfigError } from '../config';
import type { AwsCredentials } from './signedJsonClient';

export interface AwsSigning {
  region: string;
  credentials: AwsCredentials;
}

/**
 * Region and credentials from `env`; throws ConfigError naming every variable that is missing.
 *
 * @example
 *   signingFromEnvironment({ AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's' });
 *   // { region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } }
 */
export function signingFromEnvironment(env: Record<string, string | undefined> = process.env): AwsSigning {
  const required = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  const missing = required.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ConfigError(
      `${missing.join(', ')}: missing (Lambda sets them for the execution role; outside Lambda, export them)`,
    );
  }
  const sessionToken = env.AWS_SESSION_TOKEN;
  return {
    region: env.AWS_REGION!,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
      ...(sessionToken && { sessionToken }),
    },
  };
}
