/** The official SES (v2) client, configured as every client is (awsClients.ts `clientConfig`). */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { type AwsClientOptions, clientConfig } from './awsClients';

/** @example await sesClient().send(new SendEmailCommand(input)); */
export function sesClient(o?: AwsClientOptions): SESv2Client {
  return new SESv2Client(clientConfig(o));
}
