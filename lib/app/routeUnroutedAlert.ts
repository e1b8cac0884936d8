/**
 * An alert arrives on the unrouted group because its sender cannot know which model it concerns
 * (a CloudWatch alarm, an Alertmanager group). This hands it to every model whose policy routes
 * it, each on its own queue group, or records it once as unmatched so nothing vanishes silently.
 *
 * @example
 *   const outcome = await routeUnroutedAlert(alertEvent, deps); // { phase: null, effects: 2 } — two models
 */
import { type AlertEvent, unroutedAlertsGroup } from '../../events/promotionEvent';
import { routeAlert } from '../domain/alertRouting';
import type { Outcome, PromotionDeps } from './promotionDeps';

/**
 * @example
 *   await routeUnroutedAlert({ ...alertEvent, route: undefined }, deps);
 */
export async function routeUnroutedAlert(
  event: AlertEvent,
  deps: Pick<PromotionDeps, 'queue' | 'ledger' | 'knownModels' | 'policyFor' | 'now'>,
): Promise<Outcome> {
  const routes = routeAlert(event.alert, await deps.knownModels(), deps.policyFor);
  for (const route of routes) {
    await deps.queue.enqueue({
      ...event,
      model: route.model,
      route: { action: route.action, rule: route.rule },
      deliveryId: `${event.deliveryId}>${route.model}`.slice(0, 200),
    });
  }
  if (routes.length === 0) {
    await deps.ledger.appendAudit({
      at: deps.now().toISOString(),
      model: unroutedAlertsGroup,
      kind: 'alert.unmatched',
      actor: `alert:${event.alert.source}`,
      cause: event.deliveryId,
      evidence: { alert: event.alert },
    });
  }
  return { phase: null, effects: routes.length };
}
