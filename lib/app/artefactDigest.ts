/**
 * The content digest that proves a copy: SHA-256 over every artefact file, in a stable order.
 * Each file is hashed on its own (SHA-256 of its bytes, hex); the version's digest is the SHA-256
 * of one line per file, sorted by relative path (byte order of the UTF-8 path):
 * `<relative path>\0<hex sha256 of the file>\n`, written `sha256:<hex>`. Paths are part of the
 * digest, so a renamed or missing file changes it as surely as a changed byte.
 *
 * @example
 *   versionDigest([{ path: 'MLmodel', size: 3, sha256: 'ab…' }]); // 'sha256:5f…'
 */
import { createHash, type Hash } from 'node:crypto';
import type { ArtifactStore, CopiedFile } from '../domain/copyPorts';

/**
 * @example
 *   versionDigest(files); // 'sha256:…'
 */
export function versionDigest(files: readonly Pick<CopiedFile, 'path' | 'sha256'>[]): string {
  const hash = createHash('sha256');
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (const file of sorted) hash.update(`${file.path}\0${file.sha256}\n`);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Hashes what is pulled through it (a generator: it reads the next chunk only when asked, so the
 * writer's pace sets the reader's); `done()` gives the hex digest and the byte count at the end.
 *
 * @example
 *   const tap = hashingTap(await store.read(path)); await other.write(path, tap.body, size); tap.done();
 */
export function hashingTap(source: AsyncIterable<Uint8Array>): {
  body: AsyncIterable<Uint8Array>;
  done(): { sha256: string; size: number };
} {
  const hash: Hash = createHash('sha256');
  let size = 0;
  async function* body() {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.byteLength;
      yield chunk;
    }
  }
  return { body: body(), done: () => ({ sha256: hash.digest('hex'), size }) };
}

/** SHA-256 (hex) and size of one file, read as a stream. */
export async function hashFile(
  store: ArtifactStore,
  path: string,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of await store.read(path)) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Every file under `root` read back and hashed (one at a time: memory stays one chunk per file).
 *
 * @example
 *   (await digestOf(store, 'baton-copies/staging/fraud/7')).digest; // 'sha256:…'
 */
export async function digestOf(
  store: ArtifactStore,
  root: string,
): Promise<{ digest: string; files: CopiedFile[] }> {
  const files: CopiedFile[] = [];
  for (const file of await store.listFiles(root)) {
    files.push({ path: file.path, ...(await hashFile(store, `${root}/${file.path}`)) });
  }
  return { digest: versionDigest(files), files };
}
