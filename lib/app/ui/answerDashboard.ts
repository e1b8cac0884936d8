/**
 * Every dashboard request: who is asking (401 for nobody), then the page, or — for a POST — a
 * decision or a rollout control from an approver of the model, queued on the promotion queue
 * exactly like Slack's and the CLI's (the worker applies the same rules: quorum, self-approval,
 * expiry). A POST from anyone else is refused with 403, before anything is queued.
 *
 * @example
 *   await answerDashboard({ method: 'GET', path: '/ui', query: {}, form: '', claims }, deps); // 200 HTML
 */
import { createHash } from 'node:crypto';
import { approverFor } from '../../domain/people';
import { type HttpResult, jsonResponse } from '../http/apiGateway';
import { approvalsBody } from './approvalsView';
import { sessionFromSignIn, type Viewer, viewerOf } from './identity';
import { htmlPage, modelHref, uiPage } from './layout';
import { modelPage, modelsPage, type Page, rolloutPage } from './pageReads';
import type { UiDeps, UiRequest } from './uiDeps';

type Signed = Extract<Viewer, { ok: true }>;

const seeOther = (location: string, extra: Record<string, string> = {}): HttpResult => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store', ...extra },
  body: '',
});

function mayDecide(deps: UiDeps, model: string, viewer: Signed): boolean {
  const approvers = deps.policyFor(model)?.approval?.approvers ?? [];
  return approverFor(deps.people, approvers, viewer.identity) !== undefined;
}

/**
 * A form posted from another site (a forged cross-site request) is refused whoever is signed in.
 * Browsers say where a request comes from in Sec-Fetch-Site; older ones only in Origin, which is
 * `null` for an opaque origin (a sandboxed frame, a data: page): not this site either.
 */
function crossSite(request: UiRequest): boolean {
  if (request.fetchSite) return request.fetchSite !== 'same-origin';
  if (!request.origin) return false;
  try {
    return new URL(request.origin).host !== request.host;
  } catch {
    return true;
  }
}

export async function answerDashboard(request: UiRequest, deps: UiDeps): Promise<HttpResult> {
  if (request.path === '/ui/sign-in') {
    const cookie = await sessionFromSignIn(request.query.token ?? '', deps);
    if (!cookie)
      return jsonResponse(401, {
        error: 'unauthorized',
        detail: 'the sign-in link is invalid or expired: print a new one with `npm start`',
      });
    return seeOther('/ui', { 'set-cookie': cookie });
  }
  const viewer = await viewerOf(request, deps);
  if (!viewer.ok) return jsonResponse(401, { error: 'unauthorized', detail: viewer.reason });
  const page = (title: string, body: string) =>
    htmlPage(200, uiPage({ title, viewer: viewer.person.name, body }));
  const shown = (read: Page | HttpResult) => ('title' in read ? page(read.title, read.body) : read);
  if (request.method === 'POST') return post(request, deps, viewer);

  if (request.path === '/ui') return shown(await modelsPage(deps));
  if (request.path === '/ui/approvals') {
    const waiting = (await deps.reader.waiting()).sort(
      (a, b) => a.model.localeCompare(b.model) || Number(a.version) - Number(b.version),
    );
    const rows = waiting.map((state) => {
      const approval = deps.policyFor(state.model)?.approval;
      return {
        state,
        approvers: approval?.approvers ?? [],
        quorum: approval?.minApprovals ?? 1,
        mayDecide: mayDecide(deps, state.model, viewer),
      };
    });
    return page('Approvals waiting', approvalsBody(rows, request.query.notice));
  }
  const model = request.model!;
  if (request.path.endsWith('/rollout'))
    return shown(await rolloutPage(model, request.query.version, mayDecide(deps, model, viewer), deps));
  return shown(await modelPage(model, request.query, deps));
}

async function post(request: UiRequest, deps: UiDeps, viewer: Signed): Promise<HttpResult> {
  if (crossSite(request))
    return jsonResponse(403, { error: 'forbidden', detail: 'the form was posted from another site' });
  const form = new URLSearchParams(request.form);
  const control = request.path.endsWith('/rollout');
  const model = control ? request.model! : (form.get('model') ?? '');
  const version = form.get('version') ?? '';
  const choice = control ? form.get('action') : form.get('decision');
  const allowed = control ? ['pause', 'resume', 'abort', 'promote'] : ['approve', 'reject'];
  if (!model || !/^[1-9][0-9]{0,11}$/.test(version) || !choice || !allowed.includes(choice)) {
    const what = control
      ? 'action (pause, resume, abort or promote)'
      : 'model, version and decision (approve or reject)';
    return jsonResponse(400, { error: 'bad_request', detail: `the form needs ${what} and a version number` });
  }
  if (!mayDecide(deps, model, viewer)) {
    return jsonResponse(403, {
      error: 'forbidden',
      detail: `${viewer.person.name} is not an approver of ${model}`,
    });
  }
  const receivedAt = deps.now().toISOString();
  const key = createHash('sha256')
    .update(JSON.stringify([model, version, choice, viewer.person.name]))
    .digest('hex');
  const actor = viewer.identity;
  await deps.queue.enqueue(
    control
      ? {
          type: 'control',
          model,
          version,
          action: choice as 'pause',
          actor,
          via: 'ui',
          deliveryId: `ui:${key}`,
          receivedAt,
        }
      : {
          type: 'decision',
          model,
          version,
          decision: choice as 'approve',
          actor,
          via: 'ui',
          deliveryId: `ui:${key}`,
          receivedAt,
        },
  );
  const notice = `Your ${choice} of ${model} v${version} is queued; Baton applies the same rules as in Slack.`;
  return seeOther(
    control ? `${modelHref(model)}/rollout` : `/ui/approvals?notice=${encodeURIComponent(notice)}`,
  );
}
