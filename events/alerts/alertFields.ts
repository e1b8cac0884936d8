/**
 * The small rules every alert source shares when it becomes a MonitoringAlert: timestamps as
 * ISO 8601, fingerprints that fit the schema, which labels name the model, endpoint and variant,
 * and reasons cut to the schema's length.
 *
 * @example
 *   isoTime('2021-10-12T09:51:03.157076+02:00'); // '2021-10-12T07:51:03.157Z'
 *   labelsFingerprint({ alertname: 'HighLatency', endpoint: 'fraud-prod' }); // 64 hex digits
 */
import { createHash } from 'node:crypto';
import type { MonitoringAlert } from '../promotionEvent';

/** An RFC 3339 date-time (what CloudWatch, Alertmanager and Grafana send), as ISO 8601 in UTC. */
export function isoTime(value: string | undefined): string | undefined {
  // Date.parse alone also takes '2026-11-22' or 'Nov 22'; the sources always send a full date-time.
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Alertmanager and Grafana send Go's zero time as `endsAt` while an alert fires. */
export function isZeroTime(iso: string): boolean {
  return iso.startsWith('0001-01-01T');
}

/**
 * The schema allows 200, but unroutedAlertEvent cuts its delivery id
 * (`source:fingerprint:state:at`) at 200 characters: a longer fingerprint would cut off the state
 * and time, and a resolve would share its firing's dedup id. 128 keeps the id whole.
 */
const maxFingerprint = 128;

/** The sender's fingerprint when it is short enough, else a stable digest of it. */
export function boundedFingerprint(value: string): string {
  return value.length <= maxFingerprint
    ? value
    : `sha256:${createHash('sha256').update(value).digest('hex')}`;
}

/** What Alertmanager's fingerprint stands for, when a sender leaves it out: the sorted label set. */
export function labelsFingerprint(labels: Record<string, string>): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** The first of `names` with a non-empty value. */
export function firstLabel(labels: Record<string, string>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = Object.hasOwn(labels, name) ? labels[name] : undefined;
    if (value) return value;
  }
  return undefined;
}

/** Label names that say which model, endpoint and variant an alert concerns. */
export const modelLabels = ['model', 'registered_model'] as const;
export const endpointLabels = ['endpoint', 'endpoint_name'] as const;
export const variantLabels = ['variant', 'variant_name'] as const;

/** model, endpoint and variant from the labels, each only when present. */
export function subjectOf(
  labels: Record<string, string>,
): Pick<MonitoringAlert, 'model' | 'endpoint' | 'variant'> {
  const model = firstLabel(labels, modelLabels);
  const endpoint = firstLabel(labels, endpointLabels);
  const variant = firstLabel(labels, variantLabels);
  return {
    ...(model !== undefined && { model }),
    ...(endpoint !== undefined && { endpoint }),
    ...(variant !== undefined && { variant }),
  };
}

const maxReason = 4000;

/** A reason cut to the schema's 4,000 characters (without splitting a surrogate pair). */
export function boundedReason(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  if (text.length <= maxReason) return text;
  const cut = text.slice(0, maxReason - 1);
  return `${/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** Parse options that keep each issue's input, so describeIssues can tell "missing" from "expected string". */
export const reportInput = { reportInput: true } as const;
