/**
 * Which model and action a monitoring alert concerns: the policies' onAlert rules, matched on the
 * alarm's name (with `*`), endpoint, variant and labels; and the identity of one alert episode, so
 * that repeats of it act once. What Baton then does about it is alertActions.ts.
 *
 * @example
 *   routeAlert(alert, ['fraud-detector'], policyFor); // [{ model: 'fraud-detector', action: 'rollback', rule: 0 }]
 */
import type { MonitoringAlert } from '../../events/promotionEvent';
import type { Policy } from './policy';

type AlertAction = Policy['onAlert'][number]['action'];

/** `*` matches any run of characters; everything else literally. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${source}$`).test(value);
}

/** The first onAlert rule of the policy that the alert satisfies (every criterion given must hold). */
function matchRule(policy: Policy, alert: MonitoringAlert): number {
  return policy.onAlert.findIndex(({ match }) => {
    const criteria = [
      match.alarm === undefined || globMatches(match.alarm, alert.name),
      match.endpoint === undefined || match.endpoint === alert.endpoint,
      match.variant === undefined || match.variant === alert.variant,
      match.labels === undefined || Object.entries(match.labels).every(([k, v]) => alert.labels[k] === v),
    ];
    // Fix: `labels: {}` states no criterion; counted as one, it made the rule match every alert.
    const anyGiven =
      [match.alarm, match.endpoint, match.variant].some((v) => v !== undefined) ||
      Object.keys(match.labels ?? {}).length > 0;
    return anyGiven && criteria.every(Boolean);
  });
}

/**
 * The models an alert concerns and what to do for each: the model it names, else every model
 * Baton knows whose policy has a matching rule. An empty list: recorded and acknowledged.
 *
 * @example
 *   routeAlert({ ...alert, model: undefined }, ['fraud', 'churn'], policyFor);
 *   // [{ model: 'fraud', action: 'rollback', rule: 0 }]: churn's policy has no matching rule
 */
export function routeAlert(
  alert: MonitoringAlert,
  knownModels: readonly string[],
  policyFor: (model: string) => Policy | undefined,
): Array<{ model: string; action: AlertAction; rule: number }> {
  const candidates = alert.model ? [alert.model] : [...new Set(knownModels)];
  const routes: Array<{ model: string; action: AlertAction; rule: number }> = [];
  for (const model of candidates) {
    const policy = policyFor(model);
    if (!policy) continue;
    const rule = matchRule(policy, alert);
    if (rule >= 0) routes.push({ model, action: policy.onAlert[rule]!.action, rule });
  }
  return routes;
}

/**
 * The identity of one alert episode: repeats of it (Alertmanager's repeat_interval, SNS redelivery) act once.
 *
 * @example
 *   episodeKey(alert); // 'alertmanager:3f2c9a:2026-11-23T10:00:00Z'
 */
export function episodeKey(alert: MonitoringAlert): string {
  return `${alert.source}:${alert.fingerprint}:${alert.at}`;
}
