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
} as const;

const nameSchema = z.string().check(z.minLength(1), z.maxLength(1000));

export const registryEventSchema = z.object({
  type: z.literal('registry'),
  kind: z.enum(Object.values(RegistryEventKind) as [RegistryEventKind, ...RegistryEventKind[]]),
  source: z.enum(Object.values(EventSource) as ['mlflow', 'databricks', 'reconciler']),
  model: nameSchema,
  version: z.optional(z.string().check(z.regex(/^\d{1,12}$/))),
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

/** How an approver's decision reached Baton. */
export const DecisionChannel = { Slack: 'slack', Link: 'link', Cli: 'cli' } as const;

/** An approver approves or rejects a version waiting for approval. */
export const decisionEventSchema = z.object({
  type: z.literal('decision'),
  model: nameSchema,
  version: z.string().check(z.regex(/^\d{1,12}$/)),
  decision: z.enum(['approve', 'reject']),
  /** A Slack user id or an e-mail address, as the policy's approvers list them. */
  actor: z.string().check(z.minLength(1), z.maxLength(320)),
  via: z.enum(['slack', 'link', 'cli']),
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
  version: z.string().check(z.regex(/^\d{1,12}$/)),
  /** The deadline that fell due (ms since the epoch), so a stale sweep is recognised. */
  dueAt: z.number(),
  deliveryId: z.string().check(z.minLength(1), z.maxLength(200)),
  receivedAt: z.string(),
});
export type DueEvent = z.infer<typeof dueEventSchema>;

/** Every event the promotion queue carries. */
export const promotionEventSchema = z.discriminatedUnion('type', [
  registryEventSchema,
  decisionEventSchema,
  dueEventSchema,
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
  const subject = [event.alias, event.version].filter(Boolean).join('@');
  const tag = event.tag ? `:${event.tag.key}=${event.tag.value ?? ''}` : '';
  return `${event.kind}:${event.model}:${subject}${tag}`;
}
