/**
 * Databricks workspace registry webhooks: a flat payload `{event, webhook_id, event_timestamp,
 * model_name, version, …}`, normalised into a RegistryEvent. Databricks sends no delivery id,
 * so the caller derives one from the signed body.
 *
 * @example
 *   normaliseDatabricksWebhook(JSON.parse(body), { deliveryId, receivedAt });
 */
import * as z from 'zod/mini';
import { describeIssues } from './issues';
import type { Normalised } from './mlflowWebhook';
import { EventSource, type RegistryEvent, RegistryEventKind } from './promotionEvent';
import { wireVersionSchema } from './versionNumber';

const name = z.string().check(z.minLength(1), z.maxLength(1000));
const version = wireVersionSchema;

export const databricksPayloadSchema = z.looseObject({
  event: z.string().check(z.minLength(1), z.maxLength(100)),
  webhook_id: z.optional(z.string().check(z.maxLength(200))),
  event_timestamp: z.optional(z.number()),
  model_name: name,
  version: z.optional(version),
  tags: z.optional(z.array(z.looseObject({ key: name, value: z.optional(z.string()) }))),
});

const kinds: Record<string, RegistryEvent['kind']> = {
  REGISTERED_MODEL_CREATED: RegistryEventKind.RegisteredModelCreated,
  MODEL_VERSION_CREATED: RegistryEventKind.ModelVersionCreated,
  MODEL_VERSION_TAG_SET: RegistryEventKind.ModelVersionTagSet,
};

/** Milliseconds since the epoch as ISO 8601, or undefined when absent or outside Date's range. */
function isoTime(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function normaliseDatabricksWebhook(
  body: unknown,
  meta: { deliveryId: string; receivedAt: string },
): Normalised {
  const payload = databricksPayloadSchema.safeParse(body);
  if (!payload.success) return { invalid: describeIssues(payload.error.issues) };
  const { event, model_name, event_timestamp, tags } = payload.data;
  const kind = Object.hasOwn(kinds, event) ? kinds[event] : undefined;
  if (!kind) return { ignored: `event ${event} is not one Baton acts on` };
  const versioned = kind !== RegistryEventKind.RegisteredModelCreated;
  if (versioned && payload.data.version === undefined) return { invalid: 'version: missing' };
  const tag = kind === RegistryEventKind.ModelVersionTagSet ? tags?.[0] : undefined;
  if (kind === RegistryEventKind.ModelVersionTagSet && !tag) return { invalid: 'tags: missing' };
  return {
    event: {
      type: 'registry',
      kind,
      source: EventSource.Databricks,
      model: model_name,
      ...(versioned && { version: payload.data.version }),
      ...(tag && { tag: { key: tag.key, value: tag.value } }),
      deliveryId: meta.deliveryId,
      occurredAt: isoTime(event_timestamp) ?? meta.receivedAt,
      receivedAt: meta.receivedAt,
    },
  };
}
