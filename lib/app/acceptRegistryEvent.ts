/**
 * A registry webhook delivery, from raw request to queued event: read the source's secrets, judge
 * the request (signature over the raw bytes, then schema), enqueue what Baton acts on. Typed
 * HttpErrors from the judge, the secret store and the queue propagate for the handler to map.
 *
 * @example
 *   await acceptRegistryEvent('mlflow', { headers, body }, deps);
 *   // { queued: { kind: 'version.created', model: 'fraud', version: '7' } }, { ignored: '…' },
 *   // or { duplicate: '…' } for a Databricks body already queued (a replay: answered 202, not queued)
 */
import type { SecretStore, WebhookReceipts } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';
import { logger } from '../log';
import { judgeRegistryRequest, type RegistryRequest, type RegistrySource } from './ingress/registryIngress';

export interface RegistryWebhookDeps {
  queue: EventQueue;
  secrets: SecretStore;
  secretNames: Record<RegistrySource, string>;
  /** Databricks deliveries seen in the last 24 h, so a replayed body is not queued again. */
  receipts: WebhookReceipts;
  /** How far a Databricks event_timestamp may be from now (default 300 s). */
  maxDeliveryAgeSeconds?: number;
  now: () => Date;
}

/**
 * MLflow signs its delivery id and a timestamp header checked to 5 minutes, which the queue's own
 * 5-minute deduplication covers; Databricks signs neither, so its deliveries keep a receipt.
 */
const keepsReceipts: Record<RegistrySource, boolean> = { mlflow: false, databricks: true };

export async function acceptRegistryEvent(
  source: RegistrySource,
  request: RegistryRequest,
  deps: RegistryWebhookDeps,
) {
  const secrets = await deps.secrets.values(deps.secretNames[source]);
  if (secrets.length === 0) logger.warn('no webhook secret configured; rejecting', { source });
  const now = deps.now();
  const limits = { secrets, now, maxDeliveryAgeSeconds: deps.maxDeliveryAgeSeconds };
  const verdict = judgeRegistryRequest(source, request, limits);
  if (verdict.error) throw verdict.error;
  if (!verdict.event) return { ignored: verdict.ignored };
  const { kind, model, version, alias, deliveryId } = verdict.event;
  const receipt = keepsReceipts[source] ? deliveryId : null;
  const earlier = receipt ? await deps.receipts.receive(receipt, now) : null;
  if (earlier) {
    logger.info('refused a replayed registry delivery', { source, kind, model, version, deliveryId });
    return { duplicate: `this delivery was already queued at ${earlier.queuedAt}; it is not queued again` };
  }
  await deps.queue.enqueue(verdict.event);
  // The event is queued: a failed receipt only means a later copy is refused by the age window or the queue's dedup instead.
  if (receipt)
    await deps.receipts
      .markQueued(receipt, now)
      .catch((error: unknown) =>
        logger.warn('could not record the queued delivery', { source, deliveryId, error: String(error) }),
      );
  logger.info('queued registry event', { source, kind, model, version, alias, deliveryId });
  return { queued: { kind, model, version, alias } };
}
