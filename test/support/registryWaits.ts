/** Polling helpers for integration tests that wait for Baton to write to the real registry. */
import type { ModelVersion } from '../../local/mlflowApi';

export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function tagsOf(version: ModelVersion): Record<string, string> {
  return Object.fromEntries((version.tags ?? []).map((t) => [t.key, t.value]));
}

/** What `settledPhase` reads: a version's record as the store keeps it. */
interface VersionRecords {
  getVersion(model: string, version: string): Promise<{ phase: string; intent?: unknown } | null | undefined>;
}

/**
 * Waits until a version's record is in one of `phases` with its decision's effects all applied.
 * The record is stored before its effects (storedIntent.ts): a phase alone does not say the
 * registry has been written yet; a record with no stored work does.
 *
 * @example
 *   await settledPhase(store, 'fraud', '7', ['promoted']); // 'promoted', aliases and tags written
 */
export function settledPhase(
  store: VersionRecords,
  model: string,
  version: string,
  phases: readonly string[],
  timeoutMs = 30_000,
): Promise<string> {
  return eventually(
    async () => {
      const record = await store.getVersion(model, version);
      return record && phases.includes(record.phase) && record.intent === undefined
        ? record.phase
        : undefined;
    },
    timeoutMs,
    `${model} v${version} settled in ${phases.join('/')}`,
  );
}
