/**
 * The canary analysis behind a rollout step, as the rollout page shows it: each `rollout.analysis`
 * entry's verdict (events/analysisVerdict.ts) as a small table — rule, outcome, both variants'
 * values, samples, the test, its p-value and the threshold — the same numbers Slack and
 * `baton status` show. Evidence of another shape (older records) is shown as key/value rows.
 *
 * @example
 *   analysisHtml(entry); // '<p>Canary analysis, step 1: PASS …</p><table class="analysis">…'
 */
import { analysisVerdictSchema, type RuleVerdict } from '../../../events/analysisVerdict';
import { formatP } from '../../domain/analysisRules';
import { formatNumber } from '../../domain/checks';
import type { AuditEntry } from '../../domain/state';
import { esc } from './layout';

const testName = { two_proportion: 'two-proportion', mann_whitney: 'Mann–Whitney U' } as const;
const value = (n: number | null) => (n === null ? '—' : formatNumber(n));
const outcomeClass = { pass: 'pass', fail: 'fail', inconclusive: 'warn' } as const;

function ruleRow(rule: RuleVerdict): string[] {
  const samples =
    rule.samples.champion === null
      ? String(rule.samples.challenger)
      : `${rule.samples.challenger} / ${rule.samples.champion}`;
  return [
    esc(rule.metric),
    `<span class="${outcomeClass[rule.outcome]}">${esc(rule.outcome.toUpperCase())}</span>`,
    esc(samples),
    esc(value(rule.challenger)),
    esc(value(rule.champion)),
    esc(rule.test ? testName[rule.test] : 'bound'),
    esc(rule.pValue === null ? '—' : formatP(rule.pValue)),
    esc(rule.threshold),
  ];
}

function table(head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table class="analysis"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Any evidence as rows of key and value: what an unknown shape still tells. */
function keyValues(evidence: Record<string, unknown>): string {
  const rows = Object.entries(evidence).map(([k, v]) => [
    esc(k),
    esc(typeof v === 'string' ? v : JSON.stringify(v)),
  ]);
  return rows.length ? table(['Evidence', 'Value'], rows) : '';
}

/**
 * One analysis entry as HTML: the summary line and the rule table.
 *
 * @example
 *   analysisHtml({ kind: 'rollout.analysis', evidence: { analysis: verdict }, … });
 */
export function analysisHtml(entry: AuditEntry): string {
  const parsed = analysisVerdictSchema.safeParse(entry.evidence.analysis);
  if (!parsed.success) return keyValues(entry.evidence);
  const verdict = parsed.data;
  const { challenger, champion } = verdict.invocations;
  const calls = `${challenger} challenger${champion === null ? '' : `, ${champion} champion`} invocations`;
  const extended = verdict.extensions ? `, ${verdict.extensions} extended bakes` : '';
  const line = `<p class="analysis-line">Canary analysis${verdict.step === undefined ? '' : `, step ${verdict.step}`}: <span class="${outcomeClass[verdict.outcome]}">${esc(verdict.outcome.toUpperCase())}</span> <span class="muted">(${esc(calls + extended)}${verdict.source ? `; from ${esc(verdict.source)}` : ''})</span></p>`;
  if (verdict.rules.length === 0) return `${line}<p class="muted">${esc(verdict.reason)}</p>`;
  return `${line}${table(
    [
      'Rule',
      'Outcome',
      'Samples (challenger / champion)',
      'Challenger',
      'Champion',
      'Test',
      'p-value',
      'Threshold',
    ],
    verdict.rules.map(ruleRow),
  )}`;
}
