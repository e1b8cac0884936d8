/**
 * Slack interactivity: a form-encoded body `payload=<JSON>`; Baton acts on `block_actions` from
 * its Approve and Reject buttons (action ids `baton.approve` / `baton.reject`, value
 * `{"model","version","decision"}`), normalised into a DecisionEvent.
 *
 * @example
 *   normaliseSlackInteraction(rawBody.toString(), { receivedAt });
 *   // { event: { type: 'decision', decision: 'approve', actor: 'U024BE7LH', via: 'slack', … } }
 */
import * as z from 'zod/mini';
import { describeIssues } from './issues';
import type { DecisionEvent } from './promotionEvent';

export const SlackAction = { Approve: 'baton.approve', Reject: 'baton.reject' } as const;

const buttonValueSchema = z.object({
  model: z.string().check(z.minLength(1), z.maxLength(1000)),
  version: z.string().check(z.regex(/^\d{1,12}$/)),
  decision: z.enum(['approve', 'reject']),
});

export const slackBlockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: z.string().check(z.minLength(1), z.maxLength(100)) }),
  trigger_id: z.optional(z.string()),
  response_url: z.optional(z.url({ protocol: /^https?$/ })),
  actions: z
    .array(
      z.looseObject({
        action_id: z.string(),
        value: z.optional(z.string().check(z.maxLength(2000))),
        action_ts: z.optional(z.string()),
      }),
    )
    .check(z.minLength(1)),
});

export type SlackNormalised = { event: DecisionEvent } | { ignored: string } | { invalid: string };

export function normaliseSlackInteraction(form: string, meta: { receivedAt: string }): SlackNormalised {
  const payloadText = new URLSearchParams(form).get('payload');
  if (payloadText === null) return { invalid: 'payload: missing (expected a form field payload=<JSON>)' };
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    return { invalid: 'payload: not valid JSON' };
  }
  const type = (payload as { type?: unknown })?.type;
  if (type !== 'block_actions')
    return {
      ignored: `interaction type ${typeof type === 'string' ? type : typeof type} is not one Baton acts on`,
    };
  const parsed = slackBlockActionsSchema.safeParse(payload);
  if (!parsed.success) return { invalid: describeIssues(parsed.error.issues, ['payload']) };
  const action = parsed.data.actions[0]!;
  if (action.action_id !== SlackAction.Approve && action.action_id !== SlackAction.Reject) {
    return { ignored: `action ${action.action_id} is not one of Baton's buttons` };
  }
  let value: unknown;
  try {
    value = JSON.parse(action.value ?? '');
  } catch {
    return { invalid: 'payload.actions.0.value: not valid JSON' };
  }
  const button = buttonValueSchema.safeParse(value);
  if (!button.success)
    return { invalid: describeIssues(button.error.issues, ['payload', 'actions', 0, 'value']) };
  const expected = action.action_id === SlackAction.Approve ? 'approve' : 'reject';
  if (button.data.decision !== expected)
    return { invalid: `payload.actions.0.value: decision does not match ${action.action_id}` };
  return {
    event: {
      type: 'decision',
      model: button.data.model,
      version: button.data.version,
      decision: button.data.decision,
      actor: parsed.data.user.id,
      via: 'slack',
      ...(parsed.data.response_url !== undefined && { responseUrl: parsed.data.response_url }),
      deliveryId: `slack:${parsed.data.trigger_id ?? action.action_ts ?? `${parsed.data.user.id}:${meta.receivedAt}`}`,
      receivedAt: meta.receivedAt,
    },
  };
}
