/**
 * Slack interactivity: a form-encoded body `payload=<JSON>`; Baton acts on `block_actions` from
 * its buttons. Every button's value is the same compact JSON naming the model and version
 * (`{"model","version"}`; Approve and Reject add their `decision`):
 * - `baton.approve` / `baton.reject` on an approval request become a DecisionEvent;
 * - `rollout_pause` / `rollout_resume` / `rollout_abort` / `rollout_promote` on a rollout message
 *   become a ControlEvent.
 *
 * @example
 *   normaliseSlackInteraction(rawBody.toString(), { receivedAt });
 *   // { event: { type: 'decision', decision: 'approve', actor: 'U024BE7LH', via: 'slack', … } }
 *   // { event: { type: 'control', action: 'pause', actor: 'U024BE7LH', via: 'slack', … } }
 */
import * as z from 'zod/mini';
import { describeIssues } from './issues';
import { parseJson } from './json';
import type { ControlEvent, DecisionEvent } from './promotionEvent';
import { rolloutButtonActions, SlackAction } from './slackActions';
import { versionNumberSchema } from './versionNumber';

type RolloutActionId = keyof typeof rolloutButtonActions;

/** What every Baton button's value names: the model and the version it acts on. */
const buttonTarget = {
  model: z.string().check(z.minLength(1), z.maxLength(1000)),
  version: versionNumberSchema,
};

/** The value of the rollout buttons (Pause, Resume, Abort, Promote now). */
export const rolloutButtonValueSchema = z.object(buttonTarget);
export type RolloutButtonValue = z.infer<typeof rolloutButtonValueSchema>;

const decisionButtonValueSchema = z.object({ ...buttonTarget, decision: z.enum(['approve', 'reject']) });

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
type BlockActions = z.infer<typeof slackBlockActionsSchema>;

export type SlackNormalised =
  | { event: DecisionEvent | ControlEvent }
  | { ignored: string }
  | { invalid: string };

export function normaliseSlackInteraction(form: string, meta: { receivedAt: string }): SlackNormalised {
  const payloadText = new URLSearchParams(form).get('payload');
  if (payloadText === null) return { invalid: 'payload: missing (expected a form field payload=<JSON>)' };
  const json = parseJson(payloadText);
  if (!json.ok) return { invalid: 'payload: not valid JSON' };
  const payload = json.value;
  const type = (payload as { type?: unknown })?.type;
  if (type !== 'block_actions')
    return {
      ignored: `interaction type ${typeof type === 'string' ? type : typeof type} is not one Baton acts on`,
    };
  const parsed = slackBlockActionsSchema.safeParse(payload);
  if (!parsed.success) return { invalid: describeIssues(parsed.error.issues, ['payload']) };
  const actionId = parsed.data.actions[0]!.action_id;
  if (actionId === SlackAction.Approve || actionId === SlackAction.Reject) return decision(parsed.data, meta);
  if (Object.hasOwn(rolloutButtonActions, actionId))
    return control(parsed.data, actionId as RolloutActionId, meta);
  return { ignored: `action ${actionId} is not one of Baton's buttons` };
}

function decision(payload: BlockActions, meta: { receivedAt: string }): SlackNormalised {
  const action = payload.actions[0]!;
  const button = buttonValue(action.value, decisionButtonValueSchema);
  if ('invalid' in button) return button;
  const expected = action.action_id === SlackAction.Approve ? 'approve' : 'reject';
  if (button.value.decision !== expected)
    return { invalid: `payload.actions.0.value: decision does not match ${action.action_id}` };
  return {
    event: {
      type: 'decision',
      model: button.value.model,
      version: button.value.version,
      decision: button.value.decision,
      ...clicked(payload, meta),
    },
  };
}

function control(
  payload: BlockActions,
  actionId: RolloutActionId,
  meta: { receivedAt: string },
): SlackNormalised {
  const button = buttonValue(payload.actions[0]!.value, rolloutButtonValueSchema);
  if ('invalid' in button) return button;
  return {
    event: {
      type: 'control',
      model: button.value.model,
      version: button.value.version,
      action: rolloutButtonActions[actionId],
      ...clicked(payload, meta),
    },
  };
}

function buttonValue<T>(
  text: string | undefined,
  schema: z.ZodMiniType<T>,
): { value: T } | { invalid: string } {
  const json = parseJson(text ?? '');
  if (!json.ok) return { invalid: 'payload.actions.0.value: not valid JSON' };
  const button = schema.safeParse(json.value);
  if (!button.success)
    return { invalid: describeIssues(button.error.issues, ['payload', 'actions', 0, 'value']) };
  return { value: button.data };
}

/**
 * Who clicked, where to answer, and the delivery id: Slack retries a delivery with the same
 * trigger_id, so the queue drops the retry.
 */
function clicked(payload: BlockActions, meta: { receivedAt: string }) {
  const action = payload.actions[0]!;
  return {
    actor: payload.user.id,
    via: 'slack' as const,
    ...(payload.response_url !== undefined && { responseUrl: payload.response_url }),
    deliveryId: `slack:${payload.trigger_id ?? action.action_ts ?? `${payload.user.id}:${meta.receivedAt}`}`,
    receivedAt: meta.receivedAt,
  };
}
