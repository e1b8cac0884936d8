/**
 * A registry as a copy environment: its registry calls, the copy calls and its artefact store.
 * Imported with the first copy (lib/wiring/environments.ts, deferred.ts).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { HttpClient } from '../../adapters/registry/httpClient';
import { MlflowArtifacts } from '../../adapters/registry/mlflowArtifacts';
import { MlflowCopyRegistry } from '../../adapters/registry/mlflowCopyRegistry';
import { MlflowRegistry } from '../../adapters/registry/mlflowRegistry';
import { bearer } from '../../adapters/registry/registryReplies';
import { RoutedArtifacts } from '../../adapters/registry/routedArtifacts';
import { S3Artifacts } from '../../adapters/registry/s3Artifacts';
import { UnityCatalogCopyRegistry } from '../../adapters/registry/unityCatalogCopyRegistry';
import { UnityCatalogRegistry } from '../../adapters/registry/unityCatalogRegistry';
import type { Environment } from '../../domain/copyPorts';
import type { ModelRegistry } from '../../domain/ports';
import { type S3ClientFactory, s3Client } from '../s3Client';

type Token = (() => Promise<string | undefined>) | undefined;

/** The copier's S3 clients: with Unity Catalog's credentials, or its own role's. */
export const s3Clients: S3ClientFactory = (credentials) => s3Client(credentials ? { credentials } : {});

/** An OSS or workspace tracking server; `registry` when it is the one Baton listens to. */
export function mlflowEnvironment(
  name: string,
  trackingUri: string,
  token: Token,
  s3: S3ClientFactory,
  options: { registry?: ModelRegistry | undefined; artifactLocation?: string } = {},
): Environment {
  // The copier's own role: the same identity in every OSS environment, so S3 copies between them.
  let ownRole: S3Client | undefined;
  return {
    name,
    registry: options.registry ?? new MlflowRegistry({ baseUrl: trackingUri, ...(token && { token }) }),
    copies: new MlflowCopyRegistry(
      new HttpClient({ baseUrl: trackingUri, ...(token && { auth: bearer(token) }) }),
      options.artifactLocation,
    ),
    artifacts: new RoutedArtifacts(
      new MlflowArtifacts({ baseUrl: trackingUri, ...(token && { token }) }),
      new S3Artifacts({ client: async () => (ownRole ??= s3()), identity: 'copier-role' }),
    ),
  };
}

/** A Unity Catalog metastore through its workspace `host`; `registry` when it is the one Baton listens to. */
export function unityCatalogEnvironment(
  name: string,
  host: string,
  token: Token,
  s3: S3ClientFactory,
  registry?: ModelRegistry,
): Environment {
  const auth = token ?? (async () => undefined);
  const versions =
    registry ??
    new UnityCatalogRegistry({
      baseUrl: host,
      token: auth,
      runs: new MlflowRegistry({ baseUrl: host, ...(token && { token }) }),
    });
  const copies = new UnityCatalogCopyRegistry({
    http: new HttpClient({ baseUrl: host, auth: bearer(auth) }),
    versions,
    s3,
  });
  return {
    name,
    registry: versions,
    copies,
    artifacts: new S3Artifacts({ client: (location, access) => copies.clientFor(location, access) }),
  };
}
