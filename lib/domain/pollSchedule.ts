/**
 * Which managed models the tick polls this tick, for registries that cannot push (Unity Catalog):
 * a pure schedule by last activity inside a request budget. Models with a version in the last day
 * are polled every tick, those active in the last week every 5 ticks, quiet ones every 30 ticks;
 * a model never polled goes first. When the due models cost more than the budget, the most
 * overdue (time since the last poll over its tier's interval) go first, so no tier starves: every
 * tier's interval stretches by the same factor instead.
 *
 * @example
 *   pollSchedule({ models, now: Date.now(), tickMs: 60_000, budgetPerTick: 600, requestsPerPoll: 1 });
 *   // { poll: ['main.fraud.detector', …], deferred: 0, requests: 212 }
 */

/** A tier: models whose last activity is within `activeWithinMs` are polled every `everyTicks` ticks. */
export interface PollTier {
  name: string;
  activeWithinMs: number;
  everyTicks: number;
}

const hour = 3_600_000;

/** Every tick for a day after a version, every 5 ticks for a week, every 30 ticks after that. */
export const defaultPollTiers: readonly PollTier[] = [
  { name: 'active', activeWithinMs: 24 * hour, everyTicks: 1 },
  { name: 'recent', activeWithinMs: 7 * 24 * hour, everyTicks: 5 },
  { name: 'quiet', activeWithinMs: Number.POSITIVE_INFINITY, everyTicks: 30 },
];

/** What the schedule knows of a model: when a version last appeared and when it was last polled (ms). */
export interface PolledModel {
  model: string;
  lastActivityMs: number | null;
  lastPolledMs: number | null;
}

export interface PollScheduleInput {
  models: readonly PolledModel[];
  now: number;
  tickMs: number;
  /** Registry requests this tick may make (requests per second × tick period). */
  budgetPerTick: number;
  /** Registry requests one poll costs when nothing new arrived (a burst's extra pages come on top). */
  requestsPerPoll: number;
  tiers?: readonly PollTier[];
}

export interface PollPlan {
  /** The models to poll, most overdue first. */
  poll: string[];
  /** Due models left for a later tick (over the budget). */
  deferred: number;
  /** The requests the plan costs at `requestsPerPoll` each. */
  requests: number;
}

/**
 * The tier a model is in at `now`; a model with no known activity is in the last (quietest) tier.
 *
 * @example
 *   tierOf({ model: 'm', lastActivityMs: now - 3_600_000, lastPolledMs: null }, now).name; // 'active'
 */
export function tierOf(
  model: PolledModel,
  now: number,
  tiers: readonly PollTier[] = defaultPollTiers,
): PollTier {
  const last = tiers[tiers.length - 1]!;
  if (model.lastActivityMs === null) return last;
  const idle = now - model.lastActivityMs;
  return tiers.find((tier) => idle <= tier.activeWithinMs) ?? last;
}

/**
 * How overdue a model is: 0 or more when due (the time since its last poll over its tier's
 * interval, minus one), negative when not; a model never polled is infinitely overdue.
 */
function overdue(model: PolledModel, input: PollScheduleInput, tiers: readonly PollTier[]): number {
  if (model.lastPolledMs === null) return Number.POSITIVE_INFINITY;
  const interval = tierOf(model, input.now, tiers).everyTicks * input.tickMs;
  // Half a tick of slack: a schedule that fires a little early still counts a full tick.
  return (input.now - model.lastPolledMs + input.tickMs / 2) / interval - 1;
}

/**
 * The models to poll this tick within the budget, most overdue first (ties by name, so a plan is
 * reproducible).
 *
 * @example
 *   pollSchedule({ models: [{ model: 'a', lastActivityMs: null, lastPolledMs: null }], now: 0,
 *     tickMs: 60_000, budgetPerTick: 600, requestsPerPoll: 1 }).poll; // ['a']
 */
export function pollSchedule(input: PollScheduleInput): PollPlan {
  const tiers = input.tiers ?? defaultPollTiers;
  const due = input.models
    .map((model) => ({ model: model.model, overdue: overdue(model, input, tiers) }))
    .filter((m) => m.overdue >= 0)
    .sort((a, b) => b.overdue - a.overdue || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  const fits = Math.max(0, Math.floor(input.budgetPerTick / Math.max(1, input.requestsPerPoll)));
  const poll = due.slice(0, fits).map((m) => m.model);
  return { poll, deferred: due.length - poll.length, requests: poll.length * input.requestsPerPoll };
}
