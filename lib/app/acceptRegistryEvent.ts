/**
 * A registry webhook delivery, from raw request to queued event: read the source's secrets, judge
 * the request (signature over the raw bytes, then schema), enqueue what Baton acts on. Typed
 * HttpErrors from the judge, the secret store and the queue propagate for the handler to map.
 *
 * @example
 *   await acceptRegistryEvent('mlflow', { headers, body }, deps);
 *   // { queued: { kind: 'version.created', model: 'fraud', version: '7' } } or { ignored: '…' }
 */
import type { SecretStore } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';
import { logger } from '../log';
import { judgeRegistryRequest, type RegistryRequest, type RegistrySource } from './ingress/registryIngress';

export interface RegistryWebhookDeps {
  queue: EventQueue;
  secrets: SecretStore;
  secretNames: Record<RegistrySource, string>;
  now: () => Date;
}

export async function acceptRegistryEvent(
  source: RegistrySource,
  request: RegistryRequest,
  deps: RegistryWebhookDeps,
) {
  const secrets = await deps.secrets.values(deps.secretNames[source]);
  if (secrets.length === 0) logger.warn('no webhook secret configured; rejecting', { source });
  const verdict = judgeRegistryRequest(source, request, { secrets, now: deps.now() });
  if (verdict.error) throw verdict.error;
  if (!verdict.event) return { ignored: verdict.ignored };
  await deps.queue.enqueue(verdict.event);
  const { kind, model, version, alias, deliveryId } = verdict.event;
  logger.info('queued registry event', { source, kind, model, version, alias, deliveryId });
  return { queued: { kind, model, version, alias } };
}
