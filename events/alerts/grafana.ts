/**
 * Grafana alerting's webhook contact point: Alertmanager's payload plus `orgId`, `title`, `state`,
 * `message`, `truncatedAlerts` and, per alert, `values`, `silenceURL`, `dashboardURL`,
 * `panelURL`, `imageURL`; `version` is "1". Each alert becomes one MonitoringAlert by the same
 * rules as Alertmanager's (alertmanager.ts): Grafana's fingerprint is the labels' fingerprint, and
 * a firing alert's `endsAt` is Go's zero time.
 * Payload: https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
 * (section "Webhook JSON payload"). A custom payload template replaces this body entirely; Baton
 * needs the default one.
 *
 * Signing (Grafana ≥ 12, "HMAC Signature" in the contact point's optional settings, same page,
 * section "HMAC signature"): Grafana puts the lowercase hex HMAC-SHA256 of the body, keyed with
 * the shared secret, in the signature header (default `X-Grafana-Alerting-Signature`). When a
 * "Timestamp Header" is configured, it sends the Unix time in that header and signs
 * `"<timestamp>:<body>"` instead. The timestamp header has no default name; Baton reads
 * `X-Grafana-Alerting-Timestamp`, the name Grafana's provisioning examples use.
 *
 * @example
 *   normaliseGrafanaWebhook(JSON.parse(body)); // { alerts: [{ source: 'grafana', … }] }
 */
import * as z from 'zod/mini';
import { describeIssues } from '../issues';
import { reportInput } from './alertFields';
import {
  checkVersion,
  type NormalisedAlerts,
  normaliseWebhookAlerts,
  webhookAlertsSchema,
} from './alertmanager';

export const grafanaPayloadVersion = '1';
export const grafanaSignatureHeader = 'X-Grafana-Alerting-Signature';
export const grafanaTimestampHeader = 'X-Grafana-Alerting-Timestamp';

export const grafanaPayloadSchema = z.looseObject({
  version: z.string(),
  receiver: z.optional(z.nullable(z.string())),
  status: z.optional(z.nullable(z.string())),
  orgId: z.optional(z.nullable(z.number())),
  groupKey: z.optional(z.nullable(z.string())),
  truncatedAlerts: z.optional(z.nullable(z.number())),
  externalURL: z.optional(z.nullable(z.string())),
  /** Deprecated by Grafana, still sent. */
  title: z.optional(z.nullable(z.string())),
  state: z.optional(z.nullable(z.string())),
  message: z.optional(z.nullable(z.string())),
  alerts: webhookAlertsSchema,
});

export function normaliseGrafanaWebhook(body: unknown): NormalisedAlerts {
  const wrongVersion = checkVersion(body, grafanaPayloadVersion, 'Grafana');
  if (wrongVersion) return wrongVersion;
  const payload = grafanaPayloadSchema.safeParse(body, reportInput);
  if (!payload.success) return { invalid: describeIssues(payload.error.issues) };
  return normaliseWebhookAlerts(payload.data.alerts, 'grafana');
}
