/**
 * The ArtifactStore port over S3, for artefacts whose locations are `s3://bucket/key` URIs: an OSS
 * tracking server's S3 artifact root (read and written with the copier's own role), or a Unity
 * Catalog version's storage location (with the temporary credentials Unity Catalog hands out for
 * that version, unityCatalogCopyRegistry.ts). Files are listed with ListObjectsV2 (paged), read as
 * GetObject's stream, and written with lib-storage's Upload (parts of `partSize`, one in flight:
 * memory stays about two parts whatever the file's size). Between two stores of one `identity`
 * (the same credentials may read the one and write the other) a file is copied by S3 itself:
 * CopyObject up to 5 GB, above that a multipart copy (UploadPartCopy by byte ranges).
 *
 * @example
 *   const store = new S3Artifacts({ client: async () => s3Client(), identity: 'copier-role' });
 *   await store.listFiles('s3://models/1/abc/artifacts/model'); // [{ path: 'MLmodel', size: 312 }, …]
 */
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  paginateListObjectsV2,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ArtifactFile, ArtifactStore } from '../../domain/copyPorts';
import { awsFailure } from '../aws/awsErrors';
import { RegistryRequestError, RegistryUnavailableError, RegistryUnsupportedError } from './errors';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface S3ArtifactsOptions {
  /** The client for a location and what is done there (Unity Catalog's credentials are per version and access). */
  client(location: string, access: 'read' | 'write'): Promise<S3Client>;
  /** Who the credentials are; two stores of one identity copy server-side. Undefined: never. */
  identity?: string;
  /** Upload part size; default 16 MiB. */
  partSize?: number;
  /** Above this size a server-side copy is multipart (S3's CopyObject stops at 5 GB); default 5 GiB. */
  singleCopyLimit?: number;
  /** Part size of a multipart copy; default 512 MiB. */
  copyPartSize?: number;
}

/** `s3://bucket/key` → its bucket and key (refused by name otherwise). */
function s3Location(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new RegistryUnsupportedError(`${uri} is not an s3://bucket/key location`);
  return { bucket: match[1]!, key: match[2]!.replace(/\/+$/, '') };
}

/**
 * What S3 said, as the registry errors a copy knows (awsFailure reads it): 5xx, throttling and
 * lost connections are retryable; anything that is no SDK failure (a source stream's own typed
 * error) goes through as it is.
 */
function failure(operation: string, error: unknown): unknown {
  const found = awsFailure(error);
  if (!found) return error;
  const text = `${operation}: ${found.code} ${found.message}`;
  return found.retryable
    ? new RegistryUnavailableError(text, {
        cause: error,
        ...(found.statusCode && { status: found.statusCode }),
      })
    : new RegistryRequestError(found.statusCode ?? 0, found.code, text);
}

async function attempt<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw failure(operation, error);
  }
}

export class S3Artifacts implements ArtifactStore {
  readonly identity: string | undefined;

  constructor(private readonly options: S3ArtifactsOptions) {
    this.identity = options.identity;
  }

  async listFiles(root: string): Promise<ArtifactFile[]> {
    const { bucket, key } = s3Location(root);
    const client = await this.options.client(root, 'read');
    const prefix = `${key}/`;
    const found: ArtifactFile[] = [];
    await attempt(`ListObjectsV2 ${root}`, async () => {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) {
          // A "folder" marker is no file.
          if (object.Key && !object.Key.endsWith('/'))
            found.push({ path: object.Key.slice(prefix.length), size: Number(object.Size ?? 0) });
        }
      }
    });
    return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(path: string): Promise<AsyncIterable<Uint8Array>> {
    const { bucket, key } = s3Location(path);
    const client = await this.options.client(path, 'read');
    const object = await attempt(`GetObject ${path}`, () =>
      client.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    if (!object.Body) throw new RegistryUnavailableError(`GetObject ${path}: no body`);
    return object.Body as Readable;
  }

  async write(path: string, body: AsyncIterable<Uint8Array>, _size: number): Promise<void> {
    const { bucket, key } = s3Location(path);
    const client = await this.options.client(path, 'write');
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: Readable.from(body) },
      partSize: this.options.partSize ?? 16 * MiB,
      queueSize: 1,
      leavePartsOnError: false,
    });
    await attempt(`Upload ${path}`, () => upload.done());
  }

  serverSideCopy(
    source: ArtifactStore,
    from: string,
    to: string,
    size: number,
  ): (() => Promise<void>) | null {
    if (!(source instanceof S3Artifacts) || !this.identity || source.identity !== this.identity) return null;
    if (!from.startsWith('s3://') || !to.startsWith('s3://')) return null;
    return () => this.copy(from, to, size);
  }

  private async copy(from: string, to: string, size: number): Promise<void> {
    const origin = s3Location(from);
    const target = s3Location(to);
    const client = await this.options.client(to, 'write');
    // CopySource is `bucket/key`, the key URL-encoded (its slashes kept).
    const copySource = `${origin.bucket}/${origin.key.split('/').map(encodeURIComponent).join('/')}`;
    if (size <= (this.options.singleCopyLimit ?? 5 * GiB)) {
      await attempt(`CopyObject ${from} → ${to}`, () =>
        client.send(
          new CopyObjectCommand({ Bucket: target.bucket, Key: target.key, CopySource: copySource }),
        ),
      );
      return;
    }
    const partSize = this.options.copyPartSize ?? 512 * MiB;
    const { UploadId } = await attempt(`CreateMultipartUpload ${to}`, () =>
      client.send(new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: target.key })),
    );
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let start = 0, part = 1; start < size; start += partSize, part++) {
        const end = Math.min(start + partSize, size) - 1;
        const copied = await attempt(`UploadPartCopy ${to} part ${part}`, () =>
          client.send(
            new UploadPartCopyCommand({
              Bucket: target.bucket,
              Key: target.key,
              UploadId,
              PartNumber: part,
              CopySource: copySource,
              CopySourceRange: `bytes=${start}-${end}`,
            }),
          ),
        );
        parts.push({ ETag: copied.CopyPartResult?.ETag ?? '', PartNumber: part });
      }
      await attempt(`CompleteMultipartUpload ${to}`, () =>
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: target.bucket,
            Key: target.key,
            UploadId,
            MultipartUpload: { Parts: parts },
          }),
        ),
      );
    } catch (error) {
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId }))
        .catch(() => undefined);
      throw error;
    }
  }
}
