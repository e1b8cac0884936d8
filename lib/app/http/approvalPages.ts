/**
 * The small HTML pages behind signed approval links: the review page with Approve and Reject,
 * the confirmation, and clear pages for links that are invalid, expired or used.
 *
 * @example
 *   return htmlResponse(200, reviewPage({ model: 'fraud', version: '7', approver, checks, phase }, artefactRows));
 */
import type { Artefact } from '../../domain/artefact';
import type { CheckResult } from '../../domain/checks';
import type { ArtefactRowsOf } from '../../domain/servingPorts';
import type { HttpResult } from './apiGateway';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Baton</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd}
.pass{color:#137333}.fail{color:#b3261e}button{font:inherit;padding:.6rem 1.4rem;margin-right:.75rem;border-radius:.4rem;border:0;cursor:pointer}
.approve{background:#137333;color:#fff}.reject{background:#b3261e;color:#fff}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function htmlResponse(statusCode: number, html: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'referrer-policy': 'no-referrer',
    },
    body: html,
  };
}

export function reviewPage(
  input: {
    model: string;
    version: string;
    approver: string;
    phase: string | null;
    checks: CheckResult[];
    /** What a rollout will deploy, pinned at validation (absent on records from before pinning). */
    artefact?: Artefact;
  },
  /** How the artefact reads, by its serving kind (the wiring's `artefactRowsOf`). */
  artefactRows: ArtefactRowsOf,
): string {
  const rows = input.checks
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.id)}</td><td class="${c.passed ? 'pass' : 'fail'}">${c.passed ? 'PASS' : 'FAIL'}</td><td>${escapeHtml(c.reason)}</td></tr>`,
    )
    .join('');
  return page(
    `Approve ${input.model} v${input.version}?`,
    `<p>You are deciding as <strong>${escapeHtml(input.approver)}</strong>. Baton's state for this version:
<strong>${escapeHtml(input.phase ?? 'unknown')}</strong>.</p>
<table><thead><tr><th>Check</th><th>Outcome</th><th>Evidence</th></tr></thead><tbody>${rows}</tbody></table>
${input.artefact ? artefactTable(artefactRows(input.artefact)) : ''}<form method="post"><button class="approve" name="decision" value="approve">Approve</button>
<button class="reject" name="decision" value="reject">Reject</button></form>`,
  );
}

/** The pinned artefact: approving approves exactly these values; a later tag change stops the rollout. */
function artefactTable(artefactRows: Array<[string, string]>): string {
  const rows = artefactRows
    .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  return `<h2>What will be deployed</h2>
<p>Pinned when the version was validated. If the registry's tags change after your approval, the rollout stops.</p>
<table id="artefact"><tbody>${rows}</tbody></table>
`;
}

export function confirmationPage(model: string, version: string, decision: 'approve' | 'reject'): string {
  const verb = decision === 'approve' ? 'approval' : 'rejection';
  return page(
    `Your ${verb} is recorded`,
    `<p id="confirmation">Thank you. Your ${verb} of <strong>${escapeHtml(model)} v${escapeHtml(version)}</strong> has been
handed to Baton, which checks it against the policy (approvers, quorum, expiry) and announces the outcome.</p>`,
  );
}

/**
 * A used link visited again: what became of the decision it carried, once the worker has decided
 * (applied or refused, with the reason), else the plain "already used" page.
 */
export function usedLinkPage(answer: { outcome: string; message: string } | null): string {
  if (!answer) return problemPage('This approval link was already used', 'Each link works once.');
  const said =
    answer.outcome === 'refused'
      ? `Baton refused your decision: ${answer.message}.`
      : `Baton recorded your decision: ${answer.message}.`;
  return page(
    'This approval link was already used',
    `<p id="outcome" class="${answer.outcome === 'refused' ? 'fail' : 'pass'}">${escapeHtml(said)}</p><p>Each link works once.</p>`,
  );
}

export function problemPage(title: string, detail: string): string {
  return page(title, `<p>${escapeHtml(detail)}</p><p>Ask Baton for a new link, or decide in Slack.</p>`);
}
