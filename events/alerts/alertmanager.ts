/**
 * Prometheus Alertmanager's webhook payload (`version: "4"`), normalised into one MonitoringAlert
 * per alert. Grafana alerting sends the same alert objects with a few more keys (grafana.ts).
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 *
 * - name: the `alertname` label; fingerprint: the alert's own, else a SHA-256 of its sorted labels.
 * - state: the alert's `status`. `at` is when that state began: `startsAt` while firing, `endsAt`
 *   once resolved. Alertmanager repeats notifications (repeat_interval, group changes), and a repeat
 *   keeps both, so one state of one alert always yields the same delivery id.
 * - reason: `annotations.summary`, else `annotations.description`.
 * - model, endpoint, variant: the labels `model`/`registered_model`, `endpoint`/`endpoint_name`,
 *   `variant`/`variant_name`.
 *
 * @example
 *   normaliseAlertmanagerWebhook(JSON.parse(body));
 *   // { alerts: [{ source: 'alertmanager', name: 'HighErrorRate', state: 'firing', … }] }
 */
import * as z from 'zod/mini';
import { describeIssues } from '../issues';
import { type AlertSource, type MonitoringAlert, monitoringAlertSchema } from '../promotionEvent';
import {
  boundedFingerprint,
  boundedReason,
  isoTime,
  isZeroTime,
  labelsFingerprint,
  reportInput,
  subjectOf,
} from './alertFields';

/** The only payload version Baton reads; another version may mean other fields. */
export const alertmanagerPayloadVersion = '4';

/** More alerts than this in one request is refused: set `max_alerts` on the webhook receiver. */
export const maxAlertsPerPayload = 500;

const stringMap = z.record(z.string(), z.string());

/** One alert, as Alertmanager and Grafana both send it. */
export const webhookAlertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: stringMap,
  annotations: z.optional(z.nullable(stringMap)),
  startsAt: z.string().check(z.maxLength(100)),
  endsAt: z.optional(z.nullable(z.string().check(z.maxLength(100)))),
  generatorURL: z.optional(z.nullable(z.string())),
  fingerprint: z.optional(z.nullable(z.string())),
});
export type WebhookAlert = z.infer<typeof webhookAlertSchema>;

export const webhookAlertsSchema = z.array(webhookAlertSchema).check(z.maxLength(maxAlertsPerPayload));

export const alertmanagerPayloadSchema = z.looseObject({
  version: z.string(),
  groupKey: z.optional(z.nullable(z.string())),
  truncatedAlerts: z.optional(z.nullable(z.number())),
  status: z.optional(z.nullable(z.string())),
  receiver: z.optional(z.nullable(z.string())),
  groupLabels: z.optional(z.nullable(stringMap)),
  commonLabels: z.optional(z.nullable(stringMap)),
  commonAnnotations: z.optional(z.nullable(stringMap)),
  externalURL: z.optional(z.nullable(z.string())),
  alerts: webhookAlertsSchema,
});

export type NormalisedAlerts = { alerts: MonitoringAlert[] } | { invalid: string };

/** One webhook alert as a MonitoringAlert; `path` names it in errors (`alerts.2`). */
export function normaliseWebhookAlert(
  alert: WebhookAlert,
  source: AlertSource,
  path: string,
): { alert: MonitoringAlert } | { invalid: string } {
  // Copied with Object.fromEntries so every label is an own property, whatever its name.
  const labels: Record<string, string> = Object.fromEntries(Object.entries(alert.labels));
  const name = Object.hasOwn(labels, 'alertname') ? labels.alertname : undefined;
  if (!name) return { invalid: `${path}.labels.alertname: missing` };
  const startsAt = isoTime(alert.startsAt);
  if (!startsAt) return { invalid: `${path}.startsAt: expected an RFC 3339 date-time` };
  const endsAt = alert.endsAt ? isoTime(alert.endsAt) : undefined;
  const resolvedAt = endsAt && !isZeroTime(endsAt) ? endsAt : startsAt;
  const annotations = alert.annotations ?? {};
  const reason = boundedReason(
    (Object.hasOwn(annotations, 'summary') && annotations.summary) ||
      (Object.hasOwn(annotations, 'description') && annotations.description) ||
      undefined,
  );
  const normalised: MonitoringAlert = {
    source,
    name,
    state: alert.status,
    labels,
    ...subjectOf(labels),
    fingerprint: boundedFingerprint(alert.fingerprint || labelsFingerprint(labels)),
    ...(reason !== undefined && { reason }),
    at: alert.status === 'firing' ? startsAt : resolvedAt,
  };
  // The schema's own limits (a 2,000-character model label, say) are named here, not on the queue.
  const checked = monitoringAlertSchema.safeParse(normalised, reportInput);
  if (!checked.success) return { invalid: describeIssues(checked.error.issues, path.split('.')) };
  return { alert: normalised };
}

/** Every alert of a payload, or the first problem, named by its path. */
export function normaliseWebhookAlerts(
  alerts: readonly WebhookAlert[],
  source: AlertSource,
): NormalisedAlerts {
  const out: MonitoringAlert[] = [];
  for (const [index, alert] of alerts.entries()) {
    const result = normaliseWebhookAlert(alert, source, `alerts.${index}`);
    if ('invalid' in result) return result;
    out.push(result.alert);
  }
  return { alerts: out };
}

/** A payload of another version is refused by name, before its fields are misread. */
export function checkVersion(body: unknown, expected: string, sender: string): { invalid: string } | null {
  if (typeof body !== 'object' || body === null || !('version' in body)) return null;
  const { version } = body as { version: unknown };
  if (version === expected) return null;
  const kind = version === null ? 'null' : Array.isArray(version) ? 'an array' : `a ${typeof version}`;
  const got = typeof version === 'string' ? JSON.stringify(version.slice(0, 40)) : kind;
  return { invalid: `version: Baton reads ${sender} webhook payload version "${expected}", got ${got}` };
}

export function normaliseAlertmanagerWebhook(body: unknown): NormalisedAlerts {
  const wrongVersion = checkVersion(body, alertmanagerPayloadVersion, 'Alertmanager');
  if (wrongVersion) return wrongVersion;
  const payload = alertmanagerPayloadSchema.safeParse(body, reportInput);
  if (!payload.success) return { invalid: describeIssues(payload.error.issues) };
  return normaliseWebhookAlerts(payload.data.alerts, 'alertmanager');
}
