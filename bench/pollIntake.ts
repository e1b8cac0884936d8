/**
 * Intake without webhooks (README, "Intake without webhooks"), in two parts.
 *
 * A simulation of the poll schedule (lib/domain/pollSchedule.ts, the very function the tick runs):
 * 10,000 managed models over a day of 1-minute ticks at the default budget (10 requests/s, so 600
 * a tick, 540 of them planned), with registrations drawn from a seeded generator: 1 % of the
 * models register about every 6 hours, 4 % every week, the rest every 180 days. It reports the
 * most requests a tick planned (`poll_requests_per_tick_max`) and the longest a version of a quiet
 * model (no version in the last week) waited for its poll (`poll_quiet_latency_max_s`).
 *
 * End to end (`poll_to_verdict_p50_ms`): a version registered on the bench stack's real MLflow
 * server is found by the poll intake (runPollIntake, searching as Unity Catalog does: no order_by),
 * ticking every second in process with its cursors in the side region's table, and each queued
 * event is handed to the worker's use case (processEvent) in process; measured from
 * createModelVersion returning to validation_status in MLflow. The SQS hop is left out (the
 * ingress figures measure it); the half-tick wait on average is in.
 *
 * @example
 *   const figures = await benchPollIntake({ mlflowUrl, side, samples: 10, log });
 */
import { randomBytes } from 'node:crypto';
import type { PromotionEvent } from '../events/promotionEvent';
import { HttpClient } from '../lib/adapters/registry/httpClient';
import { MlflowRegistry } from '../lib/adapters/registry/mlflowRegistry';
import { HttpVersionFeed } from '../lib/adapters/registry/versionFeed';
import { DynamoPollCursors } from '../lib/adapters/store/dynamoPollCursors';
import { DynamoPromotionStore } from '../lib/adapters/store/dynamoPromotionStore';
import { runPollIntake } from '../lib/app/pollIntake';
import { processEvent } from '../lib/app/processEvent';
import { type PolledModel, pollSchedule, tierOf } from '../lib/domain/pollSchedule';
import { dynamoDocumentClient } from '../lib/wiring/dynamoClient';
import { policySchema } from '../lib/wiring/policySchema';
import { localCredentials } from '../local/resources';
import { withNullDeps } from '../test/support/fakes';
import type { SideResources } from './benchStack';
import { mlflowDriver } from './mlflowDriver';
import { percentile, round, sleep } from './stats';

const minute = 60_000;
const day = 24 * 60 * minute;

/** A seeded generator (mulberry32), so every run simulates the same day. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The schedule over a day of ticks: the most requests a tick planned and the longest wait of a
 * version of a quiet model, and of any version.
 *
 * @example
 *   simulatePollSchedule({ models: 10_000, rps: 10 }); // { poll_requests_per_tick_max: 540, … }
 */
export function simulatePollSchedule(options: { models: number; rps: number }): Record<string, number> {
  const random = seeded(42);
  const budget = Math.floor(options.rps * 60 * 0.9);
  const start = 100 * day;
  const models = Array.from({ length: options.models }, (_, i) => {
    const share = i / options.models;
    const everyMs = share < 0.01 ? 6 * 60 * minute : share < 0.05 ? 7 * day : 180 * day;
    const lastActivityMs = start - random() * everyMs;
    // In steady state: each model was last polled somewhere within its tier's interval.
    const interval = tierOf({ model: '', lastActivityMs, lastPolledMs: null }, start).everyTicks * minute;
    const lastPolledMs: number | null = start - Math.floor(random() * interval);
    return { model: `m${i}`, everyMs, lastActivityMs, lastPolledMs };
  });
  // Registrations not yet seen by a poll: model index → [registered at, quiet then].
  const unseen = new Map<number, Array<[number, boolean]>>();
  const waits: number[] = [];
  const quietWaits: number[] = [0];
  let maxRequests = 0;
  for (let tick = 1; tick <= 24 * 60; tick++) {
    const now = start + tick * minute;
    // Registrations during the last minute, each model with its own rate.
    models.forEach((m, i) => {
      if (random() < minute / m.everyMs) {
        const at = now - random() * minute;
        const quiet = tierOf(m, at).name === 'quiet';
        unseen.set(i, [...(unseen.get(i) ?? []), [at, quiet]]);
      }
    });
    const plan = pollSchedule({
      models: models as PolledModel[],
      now,
      tickMs: minute,
      budgetPerTick: budget,
      requestsPerPoll: 1,
    });
    maxRequests = Math.max(maxRequests, plan.requests);
    for (const name of plan.poll) {
      const i = Number(name.slice(1));
      const m = models[i]!;
      m.lastPolledMs = now;
      for (const [at, quiet] of unseen.get(i) ?? []) {
        waits.push(now - at);
        if (quiet) quietWaits.push(now - at);
        m.lastActivityMs = Math.max(m.lastActivityMs, at);
      }
      unseen.delete(i);
    }
  }
  return {
    poll_requests_per_tick_max: maxRequests,
    poll_quiet_latency_max_s: round(Math.max(...quietWaits) / 1000, 1),
    poll_intake_latency_p50_s: round(percentile(waits, 50) / 1000, 1),
    poll_simulated_versions: waits.length,
  };
}

export async function benchPollIntake(options: {
  mlflowUrl: string;
  side: SideResources;
  samples: number;
  log: (line: string) => void;
}): Promise<Record<string, number>> {
  const driver = mlflowDriver(options.mlflowUrl);
  // Outside the stack's bench-* policy, so the stack's own worker leaves this model alone.
  const model = `benchpoll-${randomBytes(3).toString('hex')}`;
  await driver.api.ensureRegisteredModel(model);
  const policy = policySchema.parse({
    model,
    checks: { runStatus: ['FINISHED'], metrics: [{ name: 'val_auc', min: 0.8 }] },
    approval: {
      required: true,
      approvers: ['bench@example.com'],
      minApprovals: 1,
      forbidSelfApproval: false,
    },
  });
  const db = dynamoDocumentClient({
    region: options.side.aws.region,
    endpoint: options.side.aws.endpoint,
    credentials: localCredentials,
  });
  const worker = withNullDeps({
    registry: new MlflowRegistry({ baseUrl: options.mlflowUrl }),
    store: new DynamoPromotionStore(db, options.side.tableName),
    notifier: { publish: async () => undefined },
    policyFor: () => policy,
    now: () => new Date(),
  });
  const deps = {
    feed: new HttpVersionFeed(new HttpClient({ baseUrl: options.mlflowUrl }), {
      dialect: 'mlflow',
      ordered: false,
    }),
    cursors: new DynamoPollCursors(db, options.side.tableName),
    queue: { enqueue: async (event: PromotionEvent) => void (await processEvent(event, worker)) },
    managedModels: async () => [model],
    budgetPerTick: 10,
    tickMs: 1000,
  };
  let ticking = true;
  const ticks = (async () => {
    while (ticking) {
      await runPollIntake(deps, new Date());
      await sleep(1000);
    }
  })();
  const runId = await driver.run();
  const latencies: number[] = [];
  try {
    // Warm-up, not timed: a model with no version yet is quiet (polled every 30 ticks) until a poll
    // sees one; the samples measure a model with recent activity, polled every tick.
    const first = await driver.register(model, runId);
    if ((await driver.verdict(model, first, 90_000)) !== 'PASSED')
      throw new Error(`${model} v${first}: no PASSED`);
    for (let i = 0; i < options.samples; i++) {
      const started = performance.now();
      const version = await driver.register(model, runId);
      if ((await driver.verdict(model, version, 30_000)) !== 'PASSED')
        throw new Error(`${model} v${version}: no PASSED`);
      latencies.push(performance.now() - started);
    }
  } finally {
    ticking = false;
    await ticks;
  }
  // Last: the simulation holds the event loop for seconds, which closes idle keep-alive sockets.
  const simulated = simulatePollSchedule({ models: 10_000, rps: 10 });
  options.log(`  simulated 10,000 models over a day: ${JSON.stringify(simulated)}`);
  return { ...simulated, poll_to_verdict_p50_ms: Math.round(percentile(latencies, 50)) };
}
