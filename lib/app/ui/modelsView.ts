/**
 * The models page: every model Baton manages with its champion, challenger, the newest version's
 * phase, the running rollout and the last decision. Built from the few versions that say so (the
 * newest, and those in a live phase) and the last audit entry: never a model's whole history.
 *
 * @example
 *   modelsTable([{ model: 'fraud', versions, last }]); // '<table id="models">…'
 */
import { Phase } from '../../domain/phases';
import type { AuditEntry, VersionState } from '../../domain/state';
import { esc, htmlTable, modelHref } from './layout';

/** Phases of a challenger: validated and on its way to champion. */
const challengerPhases = new Set<string>([
  Phase.Validated,
  Phase.AwaitingApproval,
  Phase.RollingOut,
  Phase.Promoting,
]);

const newestFirst = (a: VersionState, b: VersionState) => Number(b.version) - Number(a.version);

/**
 * The model's summary row facts.
 *
 * @example
 *   modelSummary(versions).champion?.version; // '3'
 */
export function modelSummary(versions: readonly VersionState[]) {
  const sorted = [...versions].sort(newestFirst);
  return {
    champion: sorted.find((v) => v.phase === Phase.Promoted),
    challenger: sorted.find((v) => challengerPhases.has(v.phase)),
    newest: sorted[0],
    rollout: sorted.find((v) => v.phase === Phase.RollingOut),
  };
}

export function modelsTable(
  rows: Array<{ model: string; versions: VersionState[]; last: AuditEntry | undefined }>,
): string {
  if (rows.length === 0) return '<p class="muted">Baton has no records of any model yet.</p>';
  const cells = rows.map(({ model, versions, last }) => {
    const s = modelSummary(versions);
    const rollout = s.rollout?.rollout;
    return [
      `<a href="${modelHref(model)}">${esc(model)}</a>`,
      s.champion ? `v${esc(s.champion.version)}` : '<span class="muted">none</span>',
      s.challenger ? `v${esc(s.challenger.version)}` : '<span class="muted">none</span>',
      s.newest ? `v${esc(s.newest.version)} ${esc(s.newest.phase)}` : '<span class="muted">no records</span>',
      rollout
        ? `<a href="${modelHref(model)}/rollout">v${esc(s.rollout!.version)} step ${rollout.step + 1}${rollout.paused ? ' (paused)' : ''}</a>`
        : '<span class="muted">none</span>',
      last
        ? `${esc(last.kind)}${last.version ? ` v${esc(last.version)}` : ''} <span class="muted">by ${esc(last.actor)}, ${esc(last.at)}</span>`
        : '',
    ];
  });
  return htmlTable(
    'models',
    ['Model', 'Champion', 'Challenger', 'Newest version', 'Rollout', 'Last decision'],
    cells,
  );
}
