/**
 * The approvals page: each version waiting for people, what it waits for (approvals so far of
 * the quorum, the expiry), who may decide, and — only for a signed-in approver of that model —
 * Approve and Reject, posted to the dashboard and queued like Slack's and the CLI's decisions.
 *
 * @example
 *   approvalsBody([{ state, approvers: ['alice', 'bob'], quorum: 1, mayDecide: true }], notice);
 */
import type { VersionState } from '../../domain/state';
import { esc, htmlTable, modelHref } from './layout';

export interface WaitingRow {
  state: VersionState;
  approvers: string[];
  quorum: number;
  mayDecide: boolean;
}

function buttons(state: VersionState): string {
  return `<form method="post" action="/ui/approvals" class="decide"><input type="hidden" name="model" value="${esc(state.model)}"><input type="hidden" name="version" value="${esc(state.version)}">
<button class="approve" name="decision" value="approve">Approve</button><button class="reject" name="decision" value="reject">Reject</button></form>`;
}

export function approvalsBody(rows: WaitingRow[], notice?: string): string {
  const banner = notice ? `<p class="notice" id="notice" role="status">${esc(notice)}</p>` : '';
  if (rows.length === 0)
    return `${banner}<p class="muted" id="none-waiting">No version is waiting for approval.</p>`;
  const cells = rows.map(({ state, approvers, quorum, mayDecide }) => {
    const so = (state.approvals ?? []).map((a) => esc(a.by)).join(', ');
    const failed = (state.checks ?? []).filter((c) => !c.passed).length;
    return [
      `<a href="${modelHref(state.model)}">${esc(state.model)}</a> v${esc(state.version)}`,
      `${state.approvals?.length ?? 0} of ${quorum} approvals${so ? ` (${so})` : ''}; ${failed ? `<span class="fail">${failed} checks failed</span>` : `<span class="pass">${state.checks?.length ?? 0} checks passed</span>`}; expires ${esc(state.expiresAt ?? '-')}`,
      esc(approvers.join(', ')),
      mayDecide ? buttons(state) : '<span class="muted">you are not an approver</span>',
    ];
  });
  return `${banner}${htmlTable('waiting', ['Version', 'Waiting for', 'Who may decide', 'Decide'], cells)}`;
}
