/**
 * What each dashboard page reads, and no more: the models page a few small queries per model
 * (the newest version, the versions in a live phase, the last audit entry), the model page a
 * page of versions and a page of history (two queries at once) with the entries that moved
 * `champion`, kept by the warm function and picked from the newest page of history (a third query
 * only on a cold start, an older page of history or a model with more entries in the last quarter
 * hour than a page shows: championMoves.ts), the rollout page the rollout records and that
 * rollout's own entries. Each answers the page's title and body, or a 400 naming what is wrong.
 *
 * @example
 *   const page = await modelPage('fraud', { history_before: cursor }, deps); // { title, body } | HttpResult
 */
import { Phase } from '../../domain/phases';
import { type HttpResult, jsonResponse } from '../http/apiGateway';
import { championMoveKinds } from './championPeriods';
import { modelsTable } from './modelsView';
import { historyPageSize, modelBody, versionsPageSize } from './modelView';
import { rolloutBody, rolloutVersion } from './rolloutView';
import type { UiDeps } from './uiDeps';

export interface Page {
  title: string;
  body: string;
}

/** The phases the models page reads beside the newest version: champion, challenger, rollout. */
const summaryPhases = [
  Phase.Promoted,
  Phase.Validated,
  Phase.AwaitingApproval,
  Phase.RollingOut,
  Phase.Promoting,
];

const badRequest = (detail: string) => jsonResponse(400, { error: 'bad_request', detail });
const versionNumber = /^[1-9][0-9]{0,11}$/;

/**
 * @example
 *   await modelsPage(deps); // { title: 'Models', body: '<table id="models">…' }
 */
export async function modelsPage(deps: UiDeps): Promise<Page> {
  const names = [...new Set([...(await deps.reader.models()), ...deps.policyModels])].sort();
  const rows = await Promise.all(
    names.map(async (model) => {
      const [newest, live, last] = await Promise.all([
        deps.reader.versionsPage(model, 1),
        deps.reader.versionsIn(model, summaryPhases),
        deps.reader.auditPage(model, 1),
      ]);
      return { model, versions: [...newest.items, ...live], last: last.items[0] };
    }),
  );
  return { title: 'Models', body: modelsTable(rows) };
}

/**
 * @example
 *   await modelPage('fraud', { at: '2026-11-17T14:03:00Z' }, deps); // with "v7 was champion at …"
 */
export async function modelPage(
  model: string,
  query: Record<string, string | undefined>,
  deps: UiDeps,
): Promise<Page | HttpResult> {
  const at = query.at ? new Date(query.at) : undefined;
  if (at && Number.isNaN(at.getTime()))
    return badRequest('at must be an ISO 8601 time, e.g. 2026-11-17T14:03:00Z');
  const cursors = { versions: query.versions_before, history: query.history_before };
  if (cursors.versions !== undefined && !versionNumber.test(cursors.versions))
    return badRequest('versions_before must be a version number, e.g. 950');
  if (cursors.history !== undefined && (cursors.history.length === 0 || cursors.history.length > 300))
    return badRequest('history_before must be the cursor of an “older →” link');
  const history = deps.reader.auditPage(model, historyPageSize, cursors.history);
  // The newest page of history doubles as the read of new champion moves (championMoves.ts).
  const newest = cursors.history === undefined ? history : undefined;
  const [versions, historyPage, moves] = await Promise.all([
    deps.reader.versionsPage(model, versionsPageSize, cursors.versions),
    history,
    deps.championMoves?.(model, newest) ?? deps.reader.auditWhere(model, { kinds: championMoveKinds }),
  ]);
  return {
    title: model,
    body: modelBody({ model, versions, history: historyPage, moves, now: deps.now(), at, cursors }),
  };
}

/**
 * @example
 *   await rolloutPage('fraud', undefined, true, deps); // the running rollout, else the newest
 */
export async function rolloutPage(
  model: string,
  wanted: string | undefined,
  mayControl: boolean,
  deps: UiDeps,
): Promise<Page | HttpResult> {
  if (wanted !== undefined && !versionNumber.test(wanted))
    return badRequest('version must be a version number, e.g. 7');
  const state = rolloutVersion(await deps.reader.rollouts(model), wanted);
  if (!state?.rollout)
    return {
      title: `${model}: rollout`,
      body: '<p class="muted" id="no-rollout">No rollout of this model is recorded.</p>',
    };
  const audit = await deps.reader.auditWhere(model, {
    kindPrefix: 'rollout.',
    version: state.version,
    since: state.rollout.startedAt,
  });
  return {
    title: `${model} v${state.version}: rollout`,
    body: rolloutBody({ model, state, audit, mayControl }),
  };
}
