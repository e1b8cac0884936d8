/**
 * An Alertmanager or Grafana webhook delivery, from raw request to queued alerts: read the bearer
 * token(s) and, for Grafana, its HMAC secret(s); judge the request; enqueue every alert. Typed
 * HttpErrors propagate for the handler to map (503 when any alert could not be queued, so the
 * sender retries the group; dedup ids make repeats harmless).
 *
 * @example
 *   await acceptAlerts('alertmanager', { headers, body }, deps); // { queued: 2 }
 */
import type { SecretStore } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';
import { logger } from '../log';
import { type AlertRequest, type AlertRoute, enqueueAll, judgeAlertRequest } from './ingress/alertIngress';

export interface AlertWebhookDeps {
  queue: EventQueue;
  secrets: SecretStore;
  /** SSM parameter names: the bearer token(s), and Grafana's HMAC secret(s) when configured. */
  secretNames: { token: string; grafana?: string | undefined };
  now: () => Date;
}

export async function acceptAlerts(
  route: AlertRoute,
  request: AlertRequest,
  deps: AlertWebhookDeps,
): Promise<{ queued: number }> {
  const grafanaName = route === 'grafana' ? deps.secretNames.grafana : undefined;
  const [tokens, grafanaSecrets] = await Promise.all([
    deps.secrets.values(deps.secretNames.token),
    grafanaName ? deps.secrets.values(grafanaName) : Promise.resolve([]),
  ]);
  if (tokens.length === 0 && grafanaSecrets.length === 0)
    logger.warn('no alert webhook token configured; rejecting', { route });
  const verdict = judgeAlertRequest(route, request, { tokens, grafanaSecrets, now: deps.now() });
  if (verdict.error) throw verdict.error;
  await enqueueAll(deps.queue, verdict.events);
  const alerts = verdict.events.map(({ alert }) => `${alert.name}:${alert.state}`);
  logger.info('queued alerts', { route, queued: verdict.events.length, alerts: alerts.slice(0, 20) });
  return { queued: verdict.events.length };
}
