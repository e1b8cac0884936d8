/**
 * A registry as a copy environment: its registry calls, the copy calls and its artifact API.
 * Imported with the first copy (lib/wiring/environments.ts, deferred.ts).
 */
import { HttpClient } from '../../adapters/registry/httpClient';
import { MlflowArtifacts } from '../../adapters/registry/mlflowArtifacts';
import { MlflowCopyRegistry } from '../../adapters/registry/mlflowCopyRegistry';
import { MlflowRegistry } from '../../adapters/registry/mlflowRegistry';
import type { Environment } from '../../domain/copyPorts';
import type { ModelRegistry } from '../../domain/ports';

/** An OSS tracking server as a copy environment; `registry` when it is the one Baton listens to. */
export function mlflowEnvironment(
  name: string,
  trackingUri: string,
  token: (() => Promise<string | undefined>) | undefined,
  registry?: ModelRegistry,
): Environment {
  const auth =
    token &&
    (async () => {
      const value = await token();
      return value ? { token: value } : undefined;
    });
  return {
    name,
    registry: registry ?? new MlflowRegistry({ baseUrl: trackingUri, ...(token && { token }) }),
    copies: new MlflowCopyRegistry(new HttpClient({ baseUrl: trackingUri, ...(auth && { auth }) })),
    artifacts: new MlflowArtifacts({ baseUrl: trackingUri, ...(token && { token }) }),
  };
}
