/**
 * The ids of Baton's Slack buttons and the control action each rollout button asks for: what the
 * renderers put on a message and what slackInteraction.ts reads back. Apart from the payload's
 * schemas, so that a function which only renders buttons (the worker, the notifier) builds none.
 *
 * @example
 *   rolloutButtonActions[SlackAction.Pause]; // 'pause'
 */
import type { ControlAction } from './promotionEvent';

export const SlackAction = {
  Approve: 'baton.approve',
  Reject: 'baton.reject',
  Pause: 'rollout_pause',
  Resume: 'rollout_resume',
  Abort: 'rollout_abort',
  Promote: 'rollout_promote',
} as const;

/** The rollout buttons and the control action each one asks for. */
export const rolloutButtonActions = {
  [SlackAction.Pause]: 'pause',
  [SlackAction.Resume]: 'resume',
  [SlackAction.Abort]: 'abort',
  [SlackAction.Promote]: 'promote',
} as const satisfies Record<string, ControlAction>;
