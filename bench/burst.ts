/**
 * A burst: N versions across M `bench-*` models registered at once (the runs are created
 * beforehand), then every version is watched until it carries Baton's verdict
 * (`validation_status` PASSED or FAILED) or the timeout passes. `burst_seconds` runs from the
 * first registration call to the last verdict seen; `burst_lost` counts versions without one.
 * Registrations MLflow itself refuses are retried, and reported, but are not Baton's losses.
 *
 * @example
 *   const figures = await benchBurst({ mlflowUrl, versions: 20, models: 4, timeoutMs: 60_000, log });
 *   figures.burst_lost; // 0
 */
import { randomBytes } from 'node:crypto';
import { mlflowDriver } from './mlflowDriver';
import { round, since, sleep } from './stats';

export interface BurstOptions {
  mlflowUrl: string;
  versions: number;
  models: number;
  timeoutMs: number;
  log: (line: string) => void;
}

/** At most this many requests at once while preparing runs (not measured). */
const prepareConcurrency = 4;

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += size) {
    out.push(
      ...(await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => make(i + j)))),
    );
  }
  return out;
}

async function withRetries<T>(attempts: number, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(100 * attempt);
    }
  }
}

export async function benchBurst(options: BurstOptions): Promise<Record<string, number>> {
  const driver = mlflowDriver(options.mlflowUrl);
  const prefix = `bench-burst-${randomBytes(3).toString('hex')}`;
  const models = Array.from({ length: options.models }, (_, i) => `${prefix}-${i}`);
  await inBatches(models.length, prepareConcurrency, (i) => driver.api.ensureRegisteredModel(models[i]!));
  const runs = await inBatches(options.versions, prepareConcurrency, () => driver.run());

  options.log(`  registering ${options.versions} versions across ${options.models} models at once`);
  const started = performance.now();
  const settled = await Promise.allSettled(
    runs.map(async (runId, i) => {
      const model = models[i % models.length]!;
      return { model, version: await withRetries(3, () => driver.register(model, runId)) };
    }),
  );
  const registered = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const refused = settled.length - registered.length;
  if (refused > 0) options.log(`  MLflow refused ${refused} registrations (not counted as lost)`);

  const pending = new Set(registered.map((r) => `${r.model}#${r.version}`));
  let lastVerdictMs = 0;
  while (pending.size > 0 && since(started) < options.timeoutMs) {
    for (const model of models) {
      for (const version of await driver.versionsOf(model)) {
        const status = (version.tags ?? []).find((t) => t.key === 'validation_status')?.value;
        const key = `${model}#${version.version}`;
        if (pending.has(key) && (status === 'PASSED' || status === 'FAILED')) {
          pending.delete(key);
          lastVerdictMs = since(started);
        }
      }
    }
    if (pending.size > 0) await sleep(250);
  }
  if (pending.size > 0)
    options.log(`  no verdict within ${options.timeoutMs / 1000} s: ${[...pending].join(', ')}`);
  return {
    burst_versions: registered.length,
    burst_seconds: round((pending.size > 0 ? since(started) : lastVerdictMs) / 1000, 2),
    burst_lost: pending.size,
    ...(refused > 0 && { burst_refused_by_mlflow: refused }),
  };
}
