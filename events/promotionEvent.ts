/**
 * The one internal event type every ingress normalises into and the worker consumes from the
 * promotion queue. Registry events name the model and the version or alias they concern; the
 * worker reads everything else back from the registry.
 *
 * @example
 *   const event = promotionEventSchema.parse(JSON.parse(record.body));
 *   businessKey(event); // "model_version.created:fraud-detector:7"
 */
import * as z from 'zod/mini';
import { versionNumberSchema } from './versionNumber';

/** What happened in the registry, in MLflow's `entity.action` vocabulary. */
export const RegistryEventKind = {
  /** A registered model was created. */
  RegisteredModelCreated: 'registered_model.created',
  /** A new model version: the start of validation. */
  ModelVersionCreated: 'model_version.created',
  /** A tag was set on a model version. */
  ModelVersionTagSet: 'model_version_tag.set',
  /** A tag was removed from a model version. */
  ModelVersionTagDeleted: 'model_version_tag.deleted',
  /** An alias now points at a version. */
  ModelVersionAliasCreated: 'model_version_alias.created',
  /** An alias was removed (the registry does not say from which version). */
  ModelVersionAliasDeleted: 'model_version_alias.deleted',
} as const;
export type RegistryEventKind = (typeof RegistryEventKind)[keyof typeof RegistryEventKind];

/** Where an event came from. */
export const EventSource = {
  Mlflow: 'mlflow',
  Databricks: 'databricks',
  /** The scheduled sweep that finds what webhooks missed. */
  Reconciler: 'reconciler',
  /** The tick's poll of a registry that cannot push (Unity Catalog): lib/app/pollIntake.ts. */
  Poll: 'poll',
} as const;

const nameSchema = z.string().check(z.minLength(1), z.maxLength(1000));

export const registryEventSchema = z.object({
  type: z.literal('registry'),
  kind: z.enum(Object.values(RegistryEventKind) as [RegistryEventKind, ...RegistryEventKind[]]),
  source: z.enum(Object.values(EventSource) as ['mlflow', 'databricks', 'reconciler', 'poll']),
  model: nameSchema,
  version: z.optional(versionNumberSchema),
  alias: z.optional(nameSchema),
  tag: z.optional(z.object({ key: nameSchema, value: z.optional(z.string()) })),
  /** The sender's delivery id (or a synthesised one for swept events). */
  deliveryId: z.string().check(z.minLength(1), z.maxLength(200)),
  /** When the registry says it happened (ISO 8601). */
  occurredAt: z.string(),
  /** When Baton accepted it (ISO 8601). */
  receivedAt: z.string(),
});
export type RegistryEvent = z.infer<typeof registryEventSchema>;

/** An approver approves or rejects a version waiting for approval. */
export const decisionEventSchema = z.object({
  type: z.literal('decision'),
  model: nameSchema,
  version: versionNumberSchema,
  decision: z.enum(['approve', 'reject']),
  /** A Slack user id or an e-mail address, as the policy's approvers list them. */
  actor: z.string().check(z.minLength(1), z.maxLength(320)),
  /** `ui`: the dashboard's Approve and Reject (lib/app/ui). */
  via: z.enum(['slack', 'link', 'cli', 'ui']),
  reason: z.optional(z.string().check(z.maxLength(2000))),
  /** Slack's response_url, to update the original message with the outcome. */
  responseUrl: z.optional(z.url()),
  deliveryId: z.string().check(z.minLength(1), z.maxLength(200)),
  receivedAt: z.string(),
});
export type DecisionEvent = z.infer<typeof decisionEventSchema>;

/** Due work found by the tick: an approval request's expiry, a stalled promotion. */
export const dueEventSchema = z.object({
  type: z.literal('due'),
  model: nameSchema,
  version: versionNumberSchema,
  /** The deadline that fell due (ms since the epoch), so a stale sweep is recognised. */
  dueAt: z.number(),
  deliveryId: z.string().check(z.minLength(1), z.maxLength(200)),
  receivedAt: z.string(),
});
export type DueEvent = z.infer<typeof dueEventSchema>;

/** A person steers a rollout or rolls a champion back (CLI or Slack buttons). */
export const ControlAction = {
  Pause: 'pause',
  Resume: 'resume',
  Abort: 'abort',
  /** Skip the remaining steps: the challenger takes all traffic and is promoted now. */
  Promote: 'promote',
  /** The champion goes back to the archive version (or `to`). */
  Rollback: 'rollback',
  /** Copy a version that passed here to the policy's other environment (`environment`), by hand. */
  Copy: 'copy',
} as const;
export type ControlAction = (typeof ControlAction)[keyof typeof ControlAction];

export const controlEventSchema = z.object({
  type: z.literal('control'),
  model: nameSchema,
  /** The rollout's version; for a rollback, the champion being demoted (the worker finds it when absent). */
  version: z.optional(versionNumberSchema),
  action: z.enum(Object.values(ControlAction) as [ControlAction, ...ControlAction[]]),
  /** A rollback's target version, when not the archive alias's. */
  to: z.optional(versionNumberSchema),
  /** A copy's destination environment: the registry the policy's `promote.copyTo` names. */
  environment: z.optional(nameSchema),
  actor: z.string().check(z.minLength(1), z.maxLength(320)),
  via: z.enum(['slack', 'cli', 'ui']),
  reason: z.optional(z.string().check(z.maxLength(2000))),
  responseUrl: z.optional(z.url()),
  deliveryId: z.string().check(z.minLength(1), z.maxLength(200)),
  receivedAt: z.string(),
});
export type ControlEvent = z.infer<typeof controlEventSchema>;

/** Where a monitoring alert came from. */
export const AlertSource = {
  CloudWatch: 'cloudwatch',
  Alertmanager: 'alertmanager',
  Grafana: 'grafana',
} as const;
export type AlertSource = (typeof AlertSource)[keyof typeof AlertSource];

/** One alert from any monitoring source, normalised (events/alerts/*.ts). */
export const monitoringAlertSchema = z.object({
  source: z.enum(Object.values(AlertSource)),
  /** CloudWatch AlarmName, or the alert's `alertname` label. */
  name: nameSchema,
  /** `resolved` never triggers an action. */
  state: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  /** The registered model, when the alert names one (label `model` or `registered_model`). */
  model: z.optional(nameSchema),
  /** The serving endpoint and variant (CloudWatch dimensions EndpointName/VariantName, or labels). */
  endpoint: z.optional(nameSchema),
  variant: z.optional(nameSchema),
  /** Stable for one alert across repeats and states (Alertmanager's fingerprint; CloudWatch: the alarm ARN or name). */
  fingerprint: z.string().check(z.minLength(1), z.maxLength(200)),
  /** Why it fired (NewStateReason, annotations.summary…). */
  reason: z.optional(z.string().check(z.maxLength(4000))),
  /** When the source says the state began (ISO 8601). */
  at: z.string(),
});
export type MonitoringAlert = z.infer<typeof monitoringAlertSchema>;

/** The promotion-queue group of alerts not yet routed to a model (the worker routes them). */
export const unroutedAlertsGroup = 'baton.alerts';

/**
 * A monitoring alert on the promotion queue. Ingress enqueues it unrouted (model =
 * `unroutedAlertsGroup`, no `route`); the worker matches it against the policies' onAlert rules
 * and enqueues one routed event per model it concerns, in that model's group.
 */
export const alertEventSchema = z.object({
  type: z.literal('alert'),
  model: nameSchema,
  version: z.optional(versionNumberSchema),
  alert: monitoringAlertSchema,
  route: z.optional(z.object({ action: z.enum(['rollback', 'abort', 'retrain', 'notify']), rule: z.int() })),
  deliveryId: z.string().check(z.minLength(1), z.maxLength(200)),
  receivedAt: z.string(),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

/** The unrouted queue event for one normalised alert; its dedup id collapses repeats of one state. */
export function unroutedAlertEvent(alert: MonitoringAlert, receivedAt: string): AlertEvent {
  return {
    type: 'alert',
    model: unroutedAlertsGroup,
    alert,
    deliveryId: `${alert.source}:${alert.fingerprint}:${alert.state}:${alert.at}`.slice(0, 200),
    receivedAt,
  };
}

/** Every event the promotion queue carries. */
export const promotionEventSchema = z.discriminatedUnion('type', [
  registryEventSchema,
  decisionEventSchema,
  dueEventSchema,
  controlEventSchema,
  alertEventSchema,
]);
export type PromotionEvent = z.infer<typeof promotionEventSchema>;

/**
 * The identity of what happened, independent of how it arrived: a webhook, its retry, a
 * redelivery with a new id and a swept event for the same change share one key.
 */
export function businessKey(event: PromotionEvent): string {
  if (event.type === 'decision')
    return `decision:${event.model}:${event.version}:${event.actor}:${event.decision}`;
  if (event.type === 'due') return `due:${event.model}:${event.version}:${event.dueAt}`;
  if (event.type === 'control')
    return `control:${event.model}:${event.version ?? ''}:${event.action}:${event.deliveryId}`;
  if (event.type === 'alert')
    return `alert:${event.model}:${event.alert.source}:${event.alert.fingerprint}:${event.alert.state}:${event.alert.at}`;
  const subject = [event.alias, event.version].filter(Boolean).join('@');
  const tag = event.tag ? `:${event.tag.key}=${event.tag.value ?? ''}` : '';
  return `${event.kind}:${event.model}:${subject}${tag}`;
}
