/**
 * The CopyRegistry port over Unity Catalog (the paths MLflow's own `databricks-uc` client uses,
 * UcModelRegistryService, MLflow 3.17.2), and the credentials its artefacts are read and written
 * with. A copy into Unity Catalog goes as MLflow's client registers a model there:
 * `registered-models/create` (unless it exists), `model-versions/create` (the version is
 * PENDING_REGISTRATION and names its `storage_location`), `model-versions/generate-temporary-credentials`
 * with `MODEL_VERSION_OPERATION_READ_WRITE` for that version, the files uploaded to the storage
 * location with those credentials, then `model-versions/finalize` (READY). A copy out of Unity
 * Catalog reads a version's `storage_location` (`model-versions/get`) with `MODEL_VERSION_OPERATION_READ`
 * credentials. Credentials are scoped to one version, so nothing is copied server-side between two
 * versions: the files stream through the copier. Only AWS storage is supported (S3 credentials);
 * Azure, GCS and R2 credentials are refused by name.
 *
 * Finding a copy by its lineage tag: Unity Catalog's search takes one `name='…'` condition and its
 * results may carry no tags, so the model's versions are searched and those without tags are read
 * one by one, newest first (at most `tagReads` of them).
 *
 * @example
 *   const copies = new UnityCatalogCopyRegistry({ http, versions: ucRegistry, s3: (c) => s3Client({ credentials: c }) });
 *   const store = new S3Artifacts({ client: (location, access) => copies.clientFor(location, access) });
 */
import type { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import type { CopyRegistry, NewVersion, PreparedCopy } from '../../domain/copyPorts';
import type { ModelRegistry, ModelVersionInfo } from '../../domain/ports';
import { RegistryUnsupportedError } from './errors';
import type { HttpClient } from './httpClient';
import { alreadyExists, parse, unless } from './registryReplies';
import { ucModelName } from './unityCatalogWire';
import { int64, versionNumber } from './wireFields';

const UC = '/api/2.0/mlflow/unity-catalog';

const stored = z.looseObject({
  model_version: z.looseObject({
    version: versionNumber,
    storage_location: z.string().check(z.minLength(1)),
  }),
});
const temporary = z.looseObject({
  credentials: z.looseObject({
    aws_temp_credentials: z.optional(
      z.looseObject({
        access_key_id: z.string(),
        secret_access_key: z.string(),
        session_token: z.optional(z.string()),
      }),
    ),
    expiration_time: z.optional(int64),
  }),
});

export type S3Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export interface UnityCatalogCopyOptions {
  /** Bearer-authenticated client of the workspace. */
  http: HttpClient;
  /** The model's versions (the Unity Catalog registry adapter). */
  versions: Pick<ModelRegistry, 'searchModelVersions' | 'getModelVersion'>;
  /** An S3 client with these credentials. */
  s3(credentials: S3Credentials): S3Client;
  /** Versions without tags in search results read one by one when looking for a lineage tag; default 50. */
  tagReads?: number;
  now?: () => number;
}

type Access = 'read' | 'write';
const OPERATION = {
  read: 'MODEL_VERSION_OPERATION_READ',
  write: 'MODEL_VERSION_OPERATION_READ_WRITE',
} as const;
/** Credentials are asked for again this long before they expire. */
const REFRESH_MS = 60_000;

export class UnityCatalogCopyRegistry implements CopyRegistry {
  readonly sharesArtefacts = false;
  readonly createsBeforeUpload = true;
  /** Each storage location Baton was told of, and the version it is. */
  private readonly roots = new Map<string, { name: string; version: string }>();
  private readonly clients = new Map<string, { client: S3Client; expiresAt: number }>();

  constructor(private readonly options: UnityCatalogCopyOptions) {}

  async artefactRoot(name: string, version: string): Promise<string> {
    const query = { name: ucModelName(name), version };
    const body = await this.options.http.request('GET', `${UC}/model-versions/get`, { query });
    return this.remember(name, parse(stored, body, 'unity-catalog/model-versions/get').model_version);
  }

  /** The version, created PENDING_REGISTRATION with its lineage tags: its storage location receives the files. */
  async prepare(_key: string, name: string, init: NewVersion): Promise<PreparedCopy> {
    const model = ucModelName(name);
    await unless(alreadyExists, () =>
      this.options.http.request('POST', `${UC}/registered-models/create`, {
        body: { name: model, description: init.modelDescription },
      }),
    );
    const body = await this.options.http.request('POST', `${UC}/model-versions/create`, {
      body: {
        name: model,
        source: init.source,
        ...(init.runId && { run_id: init.runId }),
        ...(init.description && { description: init.description }),
        tags: Object.entries(init.tags).map(([key, value]) => ({ key, value })),
      },
    });
    const created = parse(stored, body, 'unity-catalog/model-versions/create').model_version;
    return { root: this.remember(model, created), version: created.version };
  }

  /** Tags the proven version (its digest) and finalizes it: READY. */
  async finish(name: string, prepared: PreparedCopy, init: NewVersion): Promise<string> {
    const model = ucModelName(name);
    const version = prepared.version;
    if (!version)
      throw new RegistryUnsupportedError(`a Unity Catalog copy of ${name} has no version to finish`);
    for (const [key, value] of Object.entries(init.tags)) {
      await this.options.http.request('POST', `${UC}/model-versions/set-tag`, {
        body: { name: model, version, key, value },
      });
    }
    await this.options.http.request('POST', `${UC}/model-versions/finalize`, {
      body: { name: model, version },
    });
    return version;
  }

  async findVersionByTag(name: string, key: string, value: string): Promise<ModelVersionInfo | null> {
    const { versions } = await this.options.versions.searchModelVersions({ name: ucModelName(name) });
    let reads = this.options.tagReads ?? 50;
    const matches: ModelVersionInfo[] = [];
    for (const listed of versions) {
      let version: ModelVersionInfo | null = listed;
      if (Object.keys(listed.tags).length === 0) {
        if (reads-- <= 0) break;
        version = await this.options.versions.getModelVersion(name, listed.version);
      }
      if (version?.tags[key] === value) matches.push(version);
    }
    return matches.sort((a, b) => Number(a.version) - Number(b.version))[0] ?? null;
  }

  /** An S3 client with the credentials Unity Catalog gives for the version stored at `location`. */
  async clientFor(location: string, access: Access): Promise<S3Client> {
    const owner = [...this.roots.entries()].find(
      ([root]) => location === root || location.startsWith(`${root}/`),
    );
    if (!owner)
      throw new RegistryUnsupportedError(`no Unity Catalog version Baton knows of is stored at ${location}`);
    const { name, version } = owner[1];
    const cacheKey = `${name}\n${version}\n${access}`;
    const now = this.options.now?.() ?? Date.now();
    const valid = (key: string) => {
      const entry = this.clients.get(key);
      return entry && entry.expiresAt - REFRESH_MS > now ? entry.client : undefined;
    };
    // READ_WRITE credentials read too: a copy reads back what it wrote with the ones it wrote with.
    const reusable = valid(cacheKey) ?? (access === 'read' ? valid(`${name}\n${version}\nwrite`) : undefined);
    if (reusable) return reusable;
    const cached = this.clients.get(cacheKey);
    const body = await this.options.http.request(
      'POST',
      `${UC}/model-versions/generate-temporary-credentials`,
      {
        body: { name, version, operation: OPERATION[access] },
      },
    );
    const { credentials } = parse(
      temporary,
      body,
      'unity-catalog/model-versions/generate-temporary-credentials',
    );
    const aws = credentials.aws_temp_credentials;
    if (!aws)
      throw new RegistryUnsupportedError(
        `${name} v${version} is stored at ${location}, outside AWS: Baton copies Unity Catalog artefacts in S3 only (the temporary credentials are not AWS's)`,
      );
    cached?.client.destroy();
    const client = this.options.s3({
      accessKeyId: aws.access_key_id,
      secretAccessKey: aws.secret_access_key,
      ...(aws.session_token && { sessionToken: aws.session_token }),
    });
    this.clients.set(cacheKey, { client, expiresAt: credentials.expiration_time ?? now + 15 * 60_000 });
    return client;
  }

  private remember(name: string, version: { version: string; storage_location: string }): string {
    const root = version.storage_location.replace(/\/+$/, '');
    this.roots.set(root, { name: ucModelName(name), version: version.version });
    return root;
  }
}
