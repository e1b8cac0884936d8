/**
 * An OSS tracking server's artefacts wherever its registry says they are: `s3://` locations in S3
 * (the copier's own role), every other location behind the server's artifact API.
 *
 * @example
 *   const store = new RoutedArtifacts(new MlflowArtifacts({ baseUrl }), new S3Artifacts({ … }));
 *   await store.read('s3://models/1/abc/artifacts/model/MLmodel'); // from S3
 */
import type { ArtifactFile, ArtifactStore } from '../../domain/copyPorts';
import type { S3Artifacts } from './s3Artifacts';

export class RoutedArtifacts implements ArtifactStore {
  constructor(
    private readonly api: ArtifactStore,
    private readonly s3: S3Artifacts,
  ) {}

  /** The store a location is in. */
  storeOf(location: string): ArtifactStore {
    return location.startsWith('s3://') ? this.s3 : this.api;
  }

  listFiles(root: string): Promise<ArtifactFile[]> {
    return this.storeOf(root).listFiles(root);
  }

  read(path: string): Promise<AsyncIterable<Uint8Array>> {
    return this.storeOf(path).read(path);
  }

  write(path: string, body: AsyncIterable<Uint8Array>, size: number): Promise<void> {
    return this.storeOf(path).write(path, body, size);
  }

  serverSideCopy(
    source: ArtifactStore,
    from: string,
    to: string,
    size: number,
  ): (() => Promise<void>) | null {
    const origin = source instanceof RoutedArtifacts ? source.storeOf(from) : source;
    return this.storeOf(to).serverSideCopy?.(origin, from, to, size) ?? null;
  }
}
