/**
 * The official S3 client for artefact copies, configured as every client is (awsClients.ts
 * `clientConfig`) but with a longer per-attempt timeout (a server-side copy of gigabytes answers
 * only when done), path-style addressing when an endpoint is set (the emulator), and S3's own
 * region redirects (an artefact bucket may live in another region). Only the copier imports it.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Credentials } from '../adapters/registry/unityCatalogCopyRegistry';
import { type AwsClientOptions, clientConfig } from './awsClients';

/** An S3 client: with these credentials (Unity Catalog's), or the copier's own role's. */
export type S3ClientFactory = (credentials?: S3Credentials) => S3Client;

/** @example await s3Client().send(new GetObjectCommand({ Bucket, Key })); */
export function s3Client(o: AwsClientOptions = {}): S3Client {
  const endpoint = o.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  return new S3Client({
    ...clientConfig({ timeoutMs: 120_000, ...o }),
    forcePathStyle: Boolean(endpoint),
    followRegionRedirects: true,
  });
}
