/**
 * What the tick does every minute: enqueue the deadlines that fell due (approval expiry, through
 * the table's DueIndex), then sweep the registry for versions Baton has not seen (lost webhooks)
 * and for champion aliases that differ from Baton's champions, enqueueing each for the worker; and
 * record the metrics export of live canaries whose platform keeps no history (servingMetrics.ts).
 *
 * @example
 *   await runTickSweeps(deps, new Date()); // { swept: 12, enqueued: 1, due: 0, aliases: 0 }
 */
import type { Policy } from '../domain/policy';
import { logger } from '../log';
import { enqueueDueWork } from './dueWork';
import { noPollIntake, type PollIntake } from './pollIntake';
import { type ReconcileOptions, reconcile } from './reconcile';
import { reconcileChampions } from './reconcileChampions';
import { recordServingMetrics, type ServingMetricsDeps } from './servingMetrics';

export type TickDeps = Omit<ReconcileOptions, 'now'> & {
  policyFor(model: string): Policy | undefined;
  /** The intake of a registry that cannot push (pollIntake.ts); none for registries that push. */
  pollIntake?: PollIntake;
  /** Live canaries' metrics exports to record (Databricks Model Serving); none: nothing recorded. */
  servingMetrics?: ServingMetricsDeps;
};

export interface TickResult {
  swept: number;
  enqueued: number;
  due: number;
  aliases: number;
  /** Versions the poll intake queued (registries that cannot push). */
  polled?: number;
  /** Datapoints recorded from live canaries' metrics exports. */
  servingMetrics?: number;
}

export async function runTickSweeps(deps: TickDeps, now: Date): Promise<TickResult> {
  const due = await enqueueDueWork({ store: deps.store, queue: deps.queue, now });
  // Before the sweeps that may take long: a canary's minute is recorded while it is current.
  const recorded = deps.servingMetrics ? await recordServingMetrics(deps.servingMetrics) : undefined;
  const polled = await (deps.pollIntake ?? noPollIntake)(now);
  const result = await reconcile({ ...deps, now });
  const aliases = await reconcileChampions({ ...deps, now });
  if (result.enqueued.length > 0) {
    logger.info('reconciler enqueued versions the webhooks missed', {
      versions: result.enqueued.map((e) => `${e.model} v${e.version}`),
    });
  }
  if (aliases.length > 0) {
    logger.info('champion aliases differ from Baton’s champions', { models: aliases.map((e) => e.model) });
  }
  return {
    swept: result.swept,
    enqueued: result.enqueued.length,
    due: due.length,
    aliases: aliases.length,
    polled: polled.queued.length,
    ...(recorded && { servingMetrics: recorded.datapoints }),
  };
}
