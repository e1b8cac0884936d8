/**
 * The dashboard's page shell: one stylesheet inline (light and dark by prefers-color-scheme, the
 * charts coloured through the same variables), the navigation, and who is signed in. Nothing is
 * loaded from elsewhere and no script runs (the CSP says so).
 *
 * @example
 *   return uiPage({ title: 'Models', viewer: 'alice', body: '<table>…</table>' });
 */
import type { HttpResult } from '../http/apiGateway';
import { escapeHtml as esc } from '../http/approvalPages';

const css = `:root{--fg:#1d1d1f;--muted:#5f6368;--bg:#fff;--line:#d0d7de;--accent:#0b57d0;--pass:#137333;--fail:#b3261e;--warn:#b06000;--s0:#0b57d0;--s1:#c5221f;--s2:#137333;--s3:#8430ce;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#9aa0a6;--bg:#16181d;--line:#3c4043;--accent:#8ab4f8;--pass:#81c995;--fail:#f28b82;--warn:#fdd663;--s0:#8ab4f8;--s1:#f28b82;--s2:#81c995;--s3:#d7aefb}}
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:var(--fg);background:var(--bg)}
header{display:flex;gap:1.5rem;align-items:baseline;padding:.75rem 1.5rem;border-bottom:1px solid var(--line)}
header a{color:var(--accent)}main{max-width:72rem;margin:0 auto;padding:1rem 1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.muted{color:var(--muted)}.pass{color:var(--pass)}.fail{color:var(--fail)}.warn{color:var(--warn)}a{color:var(--accent)}
.chart{width:100%;max-width:760px;height:auto;color:var(--fg)}.chart text{fill:var(--fg);font-size:11px}.chart .tick line{stroke:var(--line)}
.chart .axis-label{fill:var(--muted);font-size:12px}.chart .step{fill:none;stroke:var(--muted);stroke-dasharray:3 3}
.chart .period{stroke:var(--s0);stroke-width:6;stroke-linecap:round}.chart .mark line{stroke-width:2;stroke-dasharray:4 2}
.chart .mark.rollback line{stroke:var(--fail)}.chart .mark.external line{stroke:var(--warn)}.chart .slice{fill:transparent;cursor:crosshair}.chart .slice:hover{fill:var(--line);opacity:.35}
.chart .series{fill:none;stroke-width:3}.s0{stroke:var(--s0)}.s1{stroke:var(--s1)}.s2{stroke:var(--s2)}.s3{stroke:var(--s3)}.chart text.legend{font-size:12px}
button{font:inherit;padding:.35rem .9rem;margin-right:.4rem;border-radius:.35rem;border:1px solid var(--line);background:var(--bg);color:var(--fg);cursor:pointer}
.approve{background:var(--pass);color:var(--bg)}.reject{background:var(--fail);color:var(--bg)}.notice{padding:.5rem .75rem;border:1px solid var(--line);border-radius:.35rem}
details{margin-bottom:1.5rem}code{font-size:13px}`;

/**
 * The dashboard's HTML response headers: no caching, no framing, no script, forms post here only.
 *
 * @example
 *   htmlPage(200, html).headers['content-security-policy']; // "default-src 'none'; …"
 */
export function htmlPage(statusCode: number, html: string, extra: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      // Not no-referrer: with it browsers send `Origin: null` on the page's own form posts.
      'referrer-policy': 'same-origin',
      ...extra,
    },
    body: html,
  };
}

/**
 * @example
 *   uiPage({ title: 'Approvals waiting', viewer: 'alice', body }); // '<!doctype html>…'
 */
export function uiPage(input: { title: string; viewer: string; body: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)} · Baton</title><style>${css}</style></head>
<body><header><strong>Baton</strong><nav><a href="/ui">Models</a> · <a href="/ui/approvals">Approvals waiting</a></nav>
<span class="muted" id="viewer">signed in as ${esc(input.viewer)}</span></header>
<main><h1>${esc(input.title)}</h1>${input.body}</main></body></html>`;
}

/** A table from a header row and body rows of already-escaped HTML cells. */
export function htmlTable(id: string, head: string[], rows: string[][], caption?: string): string {
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table id="${id}">${caption ? `<caption class="muted">${esc(caption)}</caption>` : ''}<thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

export const modelHref = (model: string) => `/ui/models/${encodeURIComponent(model)}`;
export { esc };
