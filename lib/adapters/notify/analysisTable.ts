/**
 * The canary analysis's verdict as a small table: one row per rule with its outcome, both
 * variants' values, the samples, the test, its p-value and the threshold. One rendering serves
 * the Slack rollout messages (a preformatted block), the text rendering, `baton status` and
 * `baton history`, so people read the same numbers everywhere.
 *
 * @example
 *   analysisRows(verdict);
 *   // ['rule        outcome  challenger  champion  samples     test            p        threshold',
 *   //  'error_rate  FAIL     0.04        0.005     1000/9000   two-proportion  1.2e-9   +0.005']
 */
import type { AnalysisVerdict } from '../../../events/analysisVerdict';
import { formatP } from '../../domain/analysisRules';
import { formatNumber } from '../../domain/checks';
import { columns } from './slackBlockKit';

const cell = (value: number | null) => (value === null ? '—' : formatNumber(value));
const testName = { two_proportion: 'two-proportion', mann_whitney: 'Mann–Whitney U' } as const;
const pOf = (p: number | null) => (p === null ? '—' : formatP(p));

/**
 * One line saying what the step's analysis concluded.
 *
 * @example
 *   analysisLine(verdict); // 'Canary analysis, step 1: FAIL (1000 challenger, 9000 champion invocations)'
 */
export function analysisLine(verdict: AnalysisVerdict): string {
  const { challenger, champion } = verdict.invocations;
  const step = verdict.step === undefined ? '' : `, step ${verdict.step}`;
  const extended = verdict.extensions ? `, ${verdict.extensions} extended bakes` : '';
  const calls = `${challenger} challenger${champion === null ? '' : `, ${champion} champion`} invocations`;
  return `Canary analysis${step}: ${verdict.outcome.toUpperCase()} (${calls}${extended})`;
}

/**
 * The rule table (empty when no rule was judged: no source, or too few samples).
 *
 * @example
 *   analysisRows({ ...verdict, rules: [] }); // []
 */
export function analysisRows(verdict: AnalysisVerdict): string[] {
  if (verdict.rules.length === 0) return [];
  return columns([
    ['rule', 'outcome', 'challenger', 'champion', 'samples', 'test', 'p', 'threshold'],
    ...verdict.rules.map((r) => [
      r.metric,
      r.outcome.toUpperCase(),
      cell(r.challenger),
      cell(r.champion),
      r.samples.champion === null
        ? String(r.samples.challenger)
        : `${r.samples.challenger}/${r.samples.champion}`,
      r.test ? testName[r.test] : 'bound',
      pOf(r.pValue),
      r.threshold,
    ]),
  ]);
}

/**
 * The verdict as text lines: the summary line, then the table (or why there is none).
 *
 * @example
 *   analysisLines(verdict).join('\n');
 */
export function analysisLines(verdict: AnalysisVerdict | undefined): string[] {
  if (!verdict) return [];
  const rows = analysisRows(verdict);
  return [analysisLine(verdict), ...(rows.length ? rows : [verdict.reason])];
}
