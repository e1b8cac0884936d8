/**
 * The poll schedule of registries that cannot push: which managed models a tick polls, by their
 * last activity, inside the request budget.
 */
import { describe, expect, it } from 'vitest';
import { type PolledModel, pollSchedule, tierOf } from '../../lib/domain/pollSchedule';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const now = 100 * day;

const model = (name: string, activityAgo: number | null, polledAgo: number | null): PolledModel => ({
  model: name,
  lastActivityMs: activityAgo === null ? null : now - activityAgo,
  lastPolledMs: polledAgo === null ? null : now - polledAgo,
});

describe('the poll tier of a model', () => {
  it.each([
    ['a version an hour ago', hour, 'active'],
    ['a version 23 hours ago', 23 * hour, 'active'],
    ['a version 3 days ago', 3 * day, 'recent'],
    ['a version 30 days ago', 30 * day, 'quiet'],
    ['no version ever seen', null, 'quiet'],
  ])('with %s is %s', (_, ago, tier) => {
    expect(tierOf(model('m', ago, 0), now).name).toBe(tier);
  });
});

describe('which models a tick polls', () => {
  it.each([
    ['never polled', null, null, true],
    ['active, polled a tick ago', hour, minute, true],
    ['recent, polled 2 ticks ago', 3 * day, 2 * minute, false],
    ['recent, polled 5 ticks ago', 3 * day, 5 * minute, true],
    ['quiet, polled 29 ticks ago', 30 * day, 29 * minute - minute, false],
    ['quiet, polled 30 ticks ago', 30 * day, 30 * minute, true],
  ])('a model %s: polled %s', (_, activity, polled, expected) => {
    const plan = pollSchedule({
      models: [model('m', activity, polled)],
      now,
      tickMs: minute,
      budgetPerTick: 600,
      requestsPerPoll: 1,
    });

    expect(plan.poll.includes('m')).toBe(expected);
  });

  it('never plans more requests than the budget, and counts the due models it leaves', () => {
    const models = Array.from({ length: 50 }, (_, i) => model(`m${i}`, hour, minute));

    const plan = pollSchedule({ models, now, tickMs: minute, budgetPerTick: 20, requestsPerPoll: 2 });

    expect(plan).toMatchObject({ requests: 20, deferred: 40 });
    expect(plan.poll).toHaveLength(10);
  });

  it('puts the most overdue first, so a quiet model is not starved by active ones', () => {
    const models = [
      ...Array.from({ length: 10 }, (_, i) => model(`active${i}`, hour, minute)),
      model('quiet', 30 * day, 90 * minute),
    ];

    const plan = pollSchedule({ models, now, tickMs: minute, budgetPerTick: 3, requestsPerPoll: 1 });

    expect(plan.poll[0]).toBe('quiet');
  });

  it('puts a model never polled before every other', () => {
    const models = [model('quiet', 30 * day, 300 * minute), model('new', null, null)];

    const plan = pollSchedule({ models, now, tickMs: minute, budgetPerTick: 1, requestsPerPoll: 1 });

    expect(plan.poll).toEqual(['new']);
  });
});
