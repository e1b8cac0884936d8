/**
 * The model page: the champion timeline (a step chart with a table of the same periods), the
 * answer to "who was champion at <time>" (asked by clicking the timeline), the versions with
 * their verdicts and failed checks, and the history with actor and evidence, a page at a time.
 *
 * @example
 *   modelBody({ model, versions: page, history: page, moves, now, cursors: {} }); // HTML
 */
import type { NewestFirst } from '../../domain/dashboardPorts';
import { evidenceSummary } from '../../domain/history';
import type { AuditEntry, VersionState } from '../../domain/state';
import { type ChampionPeriod, championAtFrom, championPeriods } from './championPeriods';
import { timelineSvg } from './charts';
import { esc, htmlTable, modelHref } from './layout';

export const historyPageSize = 25;
export const versionsPageSize = 25;

/** Where the page is in each list: the cursor of the older page shown, none for the newest. */
export interface ModelCursors {
  versions?: string;
  history?: string;
}

const query = (cursors: ModelCursors) => {
  const params = new URLSearchParams();
  if (cursors.versions) params.set('versions_before', cursors.versions);
  if (cursors.history) params.set('history_before', cursors.history);
  const text = params.toString();
  return text ? `?${text}` : '';
};

/** Newest page and next-older page links; the other list stays where it is. */
function pager(
  base: string,
  list: keyof ModelCursors,
  older: string | undefined,
  cursors: ModelCursors,
): string {
  const here = cursors[list];
  if (!older && !here) return '';
  const newest = here ? `<a href="${base}${query({ ...cursors, [list]: undefined })}">← newest</a>` : '';
  const next = older ? `<a href="${base}${query({ ...cursors, [list]: older })}">older →</a>` : '';
  return `<p class="pager" id="${list}-pager">${newest} ${next}</p>`;
}

function championAnswer(model: string, periods: readonly ChampionPeriod[], at: Date): string {
  const found = championAtFrom(periods, at);
  const text = found
    ? `v${esc(found.version)} was champion at ${esc(at.toISOString())} (since ${esc(found.from)}, ${esc(found.kind)} by ${esc(found.by)})`
    : `${esc(model)} had no champion at ${esc(at.toISOString())} (as far as Baton’s audit trail records)`;
  return `<p class="notice" id="champion-at" role="status">${text}</p>`;
}

export function modelBody(input: {
  model: string;
  /** A page of versions, newest first. */
  versions: NewestFirst<VersionState>;
  /** A page of the history, newest first. */
  history: NewestFirst<AuditEntry>;
  /** Every entry that moved `champion` (championMoveKinds), for the timeline. */
  moves: AuditEntry[];
  now: Date;
  at?: Date;
  cursors: ModelCursors;
}): string {
  const { model, moves, now, cursors } = input;
  const base = modelHref(model);
  const { periods, marks } = championPeriods(moves, now);
  const start = periods[0] ? new Date(periods[0].from) : now;
  const end = new Date(Math.max(now.getTime(), start.getTime() + 60_000));
  const timeline = periods.length
    ? timelineSvg({ periods, marks, start, end, atHref: (iso) => `${base}?at=${encodeURIComponent(iso)}` })
    : '<p class="muted">No version has been champion yet.</p>';
  const periodRows = periods.map((p) => [
    `v${esc(p.version)}`,
    esc(p.from),
    esc(p.to ?? 'now'),
    `${esc(p.kind)} by ${esc(p.by)}`,
  ]);
  const markRows = marks.map((m) => [esc(m.at), esc(m.label)]);

  const versionRows = input.versions.items.map((v) => {
    const failed = (v.checks ?? []).filter((c) => !c.passed);
    const verdict = v.checks
      ? failed.length
        ? '<span class="fail">FAILED</span>'
        : '<span class="pass">PASSED</span>'
      : '<span class="muted">-</span>';
    return [
      `v${esc(v.version)}`,
      esc(v.phase),
      verdict,
      failed.map((c) => `${esc(c.id)}: ${esc(c.reason)}`).join('<br>') || '<span class="muted">-</span>',
      esc(v.updatedAt),
    ];
  });

  const historyRows = input.history.items.map((e) => [
    esc(e.at),
    e.version ? `v${esc(e.version)}` : '-',
    esc(e.kind),
    esc(e.actor),
    esc(evidenceSummary(e)),
  ]);
  return `${input.at ? championAnswer(model, periods, input.at) : ''}
<p><a href="${base}/rollout">Rollout</a></p>
<h2>Champion timeline</h2>${timeline}
<details><summary>Table view of the timeline</summary>${htmlTable('periods', ['Version', 'From', 'To', 'How'], periodRows)}${markRows.length ? htmlTable('marks', ['At', 'Rollback or hand move'], markRows) : ''}</details>
<h2>Versions</h2>${htmlTable('versions', ['Version', 'Phase', 'Validation', 'Failed checks', 'Updated'], versionRows, `newest first, ${versionsPageSize} a page`)}${pager(base, 'versions', input.versions.older, cursors)}
<h2>History</h2>${htmlTable('history', ['At', 'Version', 'Decision', 'Actor', 'Evidence'], historyRows, `newest first, ${historyPageSize} a page`)}${pager(base, 'history', input.history.older, cursors)}`;
}
