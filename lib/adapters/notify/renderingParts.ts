/**
 * What several notification kinds render alike, in Slack and in plain text: the checks table, the
 * metrics-against-the-champion table, the traffic line and the "registered by · run" context, plus
 * the types each kind's renderer fills in (`KindRendering`: its summary line, its blocks, its
 * detail lines). Kept apart from the kinds so none of them imports another.
 *
 * @example
 *   checkRows(n.checks); // ['check     outcome  reason', 'val_auc   PASS     0.91 ≥ 0.8']
 */
import type { Notification, NotificationKind } from '../../../events/notification';
import { formatNumber } from '../../domain/checks';
import type { ArtefactRowsOf } from '../../domain/servingPorts';
import { type Block, columns, context, link, person, preformatted, section } from './slackBlockKit';

export type Of<K extends NotificationKind> = Extract<Notification, { kind: K }>;
/** `artefactRows`: how a pinned artefact reads, by its kind (the wiring's catalog); without it none is shown. */
export type RenderersFor<K extends NotificationKind, T> = {
  [P in K]: (n: Of<P>, artefactRows?: ArtefactRowsOf) => T;
};
export type Renderers<T> = RenderersFor<NotificationKind, T>;

/** How the kinds K read: a one-line summary, Slack blocks, and the detail lines of the plain text. */
export interface KindRendering<K extends NotificationKind> {
  summary: RenderersFor<K, string>;
  blocks: RenderersFor<K, Block[]>;
  details: RenderersFor<K, string[]>;
}

/**
 * Calls the renderer for the notification's kind.
 *
 * @example
 *   dispatch(summaries, n); // 'fraud v7 passed validation (3 of 3 checks passed)'
 */
export function dispatch<T>(renderers: Renderers<T>, n: Notification, artefactRows?: ArtefactRowsOf): T {
  return (renderers[n.kind] as (n: Notification, artefactRows?: ArtefactRowsOf) => T)(n, artefactRows);
}

type Weights = Record<string, number>;
/**
 * Traffic per version, the version in question first: `v7 10 % · v6 90 %`.
 *
 * @example
 *   trafficOf({ '6': 90, '7': 10 }, '7'); // 'v7 10 % · v6 90 %'
 */
export function trafficOf(weights: Weights, first: string): string {
  const versions = Object.keys(weights).sort(
    (a, b) => Number(b === first) - Number(a === first) || weights[b]! - weights[a]! || b.localeCompare(a),
  );
  return versions.length
    ? versions.map((v) => `v${v} ${formatNumber(weights[v]!)} %`).join(' · ')
    : 'no traffic';
}

type Check = { id: string; passed: boolean; reason: string };
const outcome = (c: Check) => (c.passed ? 'PASS' : 'FAIL');
/**
 * @example
 *   checkRows([{ id: 'val_auc', passed: true, reason: '0.91 ≥ 0.8' }]);
 */
export const checkRows = (checks: Check[]) =>
  columns([['check', 'outcome', 'reason'], ...checks.map((c) => [c.id, outcome(c), c.reason])]);
/**
 * @example
 *   checkBlocks([]); // [section('_No checks ran._')]
 */
export const checkBlocks = (checks: Check[]) =>
  checks.length ? preformatted(checkRows(checks)) : [section('_No checks ran._')];
/**
 * @example
 *   tally(checks); // '2 of 3 checks passed'
 */
export const tally = (checks: Check[]) =>
  `${checks.filter((c) => c.passed).length} of ${checks.length} checks passed`;

type Metrics = Record<string, number>;
/**
 * @example
 *   metricRows({ val_auc: 0.91 }, { version: '6', metrics: { val_auc: 0.9 } }); // with a Δ column
 */
export function metricRows(
  metrics: Metrics,
  champion: { version: string; metrics: Metrics } | null,
): string[] {
  if (!champion)
    return columns([
      ['metric', 'candidate'],
      ...Object.keys(metrics)
        .sort()
        .map((m) => [m, formatNumber(metrics[m]!)]),
    ]);
  const names = [...new Set([...Object.keys(metrics), ...Object.keys(champion.metrics)])].sort();
  const cell = (v: number | undefined) => (v === undefined ? '—' : formatNumber(v));
  const delta = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? '' : `${a - b >= 0 ? '+' : ''}${formatNumber(a - b)}`;
  return columns([
    ['metric', 'candidate', `champion v${champion.version}`, 'Δ'],
    ...names.map((m) => [
      m,
      cell(metrics[m]),
      cell(champion.metrics[m]),
      delta(metrics[m], champion.metrics[m]),
    ]),
  ]);
}

/**
 * @example
 *   about(n); // [context: 'registered by <@U024BE7LH>  ·  run run-1']
 */
export const about = (n: Notification): Block[] =>
  context([
    ...(n.registeredBy ? [`registered by ${person(n.registeredBy)}`] : []),
    ...(n.runId || n.runLink ? [`run ${link(n.runLink, n.runId ?? 'in the registry')}`] : []),
  ]);
