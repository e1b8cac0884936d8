/**
 * The rollout page: the traffic weights of each step as a chart (and the same numbers as a table),
 * each step's verdict — the alarms and analysis that judged it, with their numbers — and, for an
 * approver of the model, the controls (pause, resume, abort, promote now) that go to the same
 * queue as Slack's buttons and `baton pause|resume|abort|promote`.
 *
 * @example
 *   rolloutBody({ model, state, audit, mayControl: true }); // HTML
 */
import type { AuditEntry, VersionState } from '../../domain/state';
import { analysisHtml } from './analysisView';
import { type WeightStep, weightsSvg } from './charts';
import { esc, htmlTable, modelHref } from './layout';

/** The rollout to show: the one running, else the newest version that had one. */
export function rolloutVersion(versions: readonly VersionState[], wanted?: string): VersionState | undefined {
  const withRollout = versions.filter((v) => v.rollout).sort((a, b) => Number(b.version) - Number(a.version));
  if (wanted) return withRollout.find((v) => v.version === wanted);
  return withRollout.find((v) => v.phase === 'rolling_out') ?? withRollout[0];
}

/** The numbers an entry's evidence holds: alarm states, analysis figures, reasons. */
function verdictText(entry: AuditEntry | undefined): string {
  if (!entry) return '<span class="muted">baking</span>';
  const e = entry.evidence;
  const parts: string[] = [];
  if (Array.isArray(e.alarms)) {
    for (const a of e.alarms as Array<{ name?: string; state?: string }>) {
      const state = String(a.state);
      parts.push(
        `alarm ${esc(String(a.name))}: <span class="${state === 'OK' ? 'pass' : 'fail'}">${esc(state)}</span>`,
      );
    }
  }
  for (const [key, value] of Object.entries(e)) {
    if (['alarms', 'weights', 'step', 'of', 'steps', 'nextCheckAt'].includes(key)) continue;
    parts.push(`${esc(key)}: ${esc(typeof value === 'string' ? value : JSON.stringify(value))}`);
  }
  const kind = entry.kind.replace('rollout.', '');
  const cls = kind === 'aborted' ? 'fail' : kind === 'paused' ? 'warn' : 'pass';
  return `<span class="${cls}">${esc(kind)}</span> <span class="muted">${esc(entry.at)} by ${esc(entry.actor)}</span><br>${parts.join('<br>')}`;
}

function controls(model: string, state: VersionState): string {
  const running = state.phase === 'rolling_out';
  if (!running) return '<p class="muted">The rollout is over: nothing to control.</p>';
  const actions = state.rollout?.paused ? ['resume', 'abort', 'promote'] : ['pause', 'abort', 'promote'];
  const buttons = actions
    .map(
      (a) =>
        `<button name="action" value="${a}" class="control">${a === 'promote' ? 'promote now' : a}</button>`,
    )
    .join('');
  return `<form method="post" action="${modelHref(model)}/rollout" id="controls"><input type="hidden" name="version" value="${esc(state.version)}">${buttons}</form>`;
}

export function rolloutBody(input: {
  model: string;
  state: VersionState;
  audit: AuditEntry[];
  mayControl: boolean;
}): string {
  const { model, state } = input;
  const r = state.rollout!;
  const entries = input.audit.filter((e) => e.version === state.version && e.kind.startsWith('rollout.'));
  const steps: Array<WeightStep & { at: string; verdict: AuditEntry | undefined; analyses: AuditEntry[] }> =
    [];
  entries.forEach((entry, i) => {
    if (entry.kind !== 'rollout.step') return;
    const weights = (entry.evidence.weights ?? {}) as Record<string, number>;
    const of = entry.evidence.of === undefined ? '' : ` of ${String(entry.evidence.of)}`;
    // After a step: its analyses (one per bake), then the entry that ended it.
    const after = entries.slice(i + 1);
    const end = after.findIndex((e) => e.kind !== 'rollout.analysis');
    const analyses = end === -1 ? after : after.slice(0, end);
    steps.push({
      label: `step ${String(entry.evidence.step)}${of}`,
      weights,
      at: entry.at,
      verdict: end === -1 ? undefined : after[end],
      analyses,
    });
  });
  const chart = steps.length
    ? weightsSvg(steps)
    : '<p class="muted">No traffic step has been taken yet (or the policy shifts no traffic).</p>';
  const rows = steps.map((s) => [
    esc(s.label),
    esc(s.at),
    Object.entries(s.weights)
      .map(([v, w]) => `v${esc(v)} ${w}%`)
      .join(' · ') || '-',
    verdictText(s.verdict),
    s.analyses.map(analysisHtml).join('') || '<span class="muted">-</span>',
  ]);
  const status = r.paused
    ? `<span class="warn">paused by ${esc(r.paused.by)}: ${esc(r.paused.reason)}</span>`
    : esc(state.phase);
  return `<p>v${esc(state.version)} on <code>${esc(r.endpoint)}</code> (${esc(r.kind)}), champion ${r.champion ? `v${esc(r.champion)}` : 'none'}: ${status}.
Watching alarms: ${esc(r.alarms.join(', ') || '(none)')}. <a href="${modelHref(model)}">Model page</a></p>
<h2>Traffic per step</h2>${chart}
<h2>Steps and verdicts</h2>${htmlTable('steps', ['Step', 'At', 'Weights', 'Verdict that ended the step', 'Canary analysis'], rows)}
<h2>Controls</h2>${input.mayControl ? controls(model, state) : '<p class="muted" id="no-controls">Only the model’s approvers may steer its rollout.</p>'}`;
}
