/**
 * MLflow OSS registry webhooks: the envelope `{entity, action, timestamp, data}` and the data
 * of each event Baton acts on, normalised into a RegistryEvent. Parsing is lenient about extra
 * keys (MLflow adds fields over time) and strict about the ones Baton relies on.
 *
 * @example
 *   normaliseMlflowWebhook(JSON.parse(body), { deliveryId, receivedAt });
 *   // { event: { kind: 'model_version.created', model: 'fraud', version: '3', … } }
 */
import * as z from 'zod/mini';
import { describeIssues } from './issues';
import { EventSource, type RegistryEvent, RegistryEventKind } from './promotionEvent';
import { wireVersionSchema } from './versionNumber';

const name = z.string().check(z.minLength(1), z.maxLength(1000));
// MLflow sends versions as strings; accept a number too and keep the canonical string.
const version = wireVersionSchema;

export const mlflowEnvelopeSchema = z.looseObject({
  entity: z.string().check(z.minLength(1), z.maxLength(100)),
  action: z.string().check(z.minLength(1), z.maxLength(100)),
  timestamp: z.string().check(z.maxLength(100)),
  data: z.record(z.string(), z.unknown()),
});

const dataSchemas = {
  [RegistryEventKind.RegisteredModelCreated]: z.looseObject({ name }),
  [RegistryEventKind.ModelVersionCreated]: z.looseObject({ name, version }),
  [RegistryEventKind.ModelVersionTagSet]: z.looseObject({ name, version, key: name, value: z.string() }),
  [RegistryEventKind.ModelVersionTagDeleted]: z.looseObject({ name, version, key: name }),
  [RegistryEventKind.ModelVersionAliasCreated]: z.looseObject({ name, alias: name, version }),
  [RegistryEventKind.ModelVersionAliasDeleted]: z.looseObject({ name, alias: name }),
} as const;

export type Normalised = { event: RegistryEvent } | { ignored: string } | { invalid: string };

/** The envelope's timestamp as ISO 8601, or the receipt time when MLflow sent none usable. */
function occurredAt(timestamp: string, receivedAt: string): string {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? receivedAt : new Date(ms).toISOString();
}

export function normaliseMlflowWebhook(
  body: unknown,
  meta: { deliveryId: string; receivedAt: string },
): Normalised {
  const envelope = mlflowEnvelopeSchema.safeParse(body);
  if (!envelope.success) return { invalid: describeIssues(envelope.error.issues) };
  const kind = `${envelope.data.entity}.${envelope.data.action}`.toLowerCase();
  if (!Object.hasOwn(dataSchemas, kind)) return { ignored: `event ${kind} is not one Baton acts on` };
  const schema = dataSchemas[kind as keyof typeof dataSchemas];
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) return { invalid: describeIssues(data.error.issues, ['data']) };
  // Only the fields this kind's schema checked: anything else in `data` is passed over unread.
  const checked = Object.keys(schema.shape);
  const field = (name: string) =>
    checked.includes(name) ? (data.data as Record<string, string>)[name] : undefined;
  const fields = {
    name: data.data.name,
    version: field('version'),
    alias: field('alias'),
    key: field('key'),
    value: field('value'),
  };
  return {
    event: {
      type: 'registry',
      kind: kind as RegistryEvent['kind'],
      source: EventSource.Mlflow,
      model: fields.name,
      ...(fields.version !== undefined && { version: fields.version }),
      ...(fields.alias !== undefined && { alias: fields.alias }),
      ...(fields.key !== undefined && { tag: { key: fields.key, value: fields.value } }),
      deliveryId: meta.deliveryId,
      occurredAt: occurredAt(envelope.data.timestamp, meta.receivedAt),
      receivedAt: meta.receivedAt,
    },
  };
}
