/**
 * Every minute (EventBridge schedule): enqueues the deadlines that fell due (approval expiry),
 * found through the table's DueIndex; the registry reconciler sweeps for versions Baton has
 * not seen (lost webhooks) and for champion aliases that differ from Baton's champions, and
 * enqueues them; and the metrics export of live Databricks canaries is recorded for their analysis
 * (lib/app/tickSweeps).
 */
import type { ScheduledEvent } from 'aws-lambda';
import { runTickSweeps, type TickResult } from '../lib/app/tickSweeps';
import { coldStart } from '../lib/wiring/coldStart';
import { tickDeps } from '../lib/wiring/tick';

const deps = coldStart(tickDeps);
export const handler = async (_event: ScheduledEvent): Promise<TickResult> =>
  runTickSweeps(await deps(), new Date());
