import { describe, expect, it } from 'vitest';
import type { PromotionEvent } from '../../events/promotionEvent';
import { answerDashboard } from '../../lib/app/ui/answerDashboard';
import type { UiDeps, UiRequest } from '../../lib/app/ui/uiDeps';
import { buildPeopleDirectory } from '../../lib/domain/people';
import type { VersionState } from '../../lib/domain/state';
import { aPolicy } from '../support/builders';
import { MemoryDashboardReader } from '../support/dashboardFakes';

const now = new Date('2026-11-20T12:00:00.000Z');
const policy = aPolicy({ approval: { required: true, approvers: ['approver'], minApprovals: 1 } });
const { directory } = buildPeopleDirectory({
  approver: { email: 'approver@example.com', registry: [] },
  viewer: { email: 'viewer@example.com', registry: [] },
});

const version = (v: string, phase: string, extra: Partial<VersionState> = {}): VersionState => ({
  model: 'fraud',
  version: v,
  phase: phase as VersionState['phase'],
  revision: 1,
  checks: [{ id: 'val_auc', passed: true, reason: 'val_auc 0.9 ≥ 0.8' }],
  updatedAt: '2026-11-20T10:00:00.000Z',
  ...extra,
});

function setup(versions: VersionState[] = []) {
  const queued: PromotionEvent[] = [];
  const deps: UiDeps = {
    reader: new MemoryDashboardReader(versions),
    queue: { enqueue: async (event) => void queued.push(event) },
    policyFor: (model) => (model === 'fraud' ? policy : undefined),
    policyModels: ['fraud'],
    people: directory,
    now: () => now,
  };
  return { deps, queued };
}

const as = (email: string | undefined, request: Partial<UiRequest>): UiRequest => ({
  method: 'GET',
  path: '/ui',
  query: {},
  form: '',
  host: 'baton.example.com',
  ...(email && { claims: { email } }),
  ...request,
});

describe('who may see the dashboard', () => {
  it.each(['/ui', '/ui/approvals', '/ui/models/fraud', '/ui/models/fraud/rollout'])(
    'answers 401 on %s without a token',
    async (path) => {
      const { deps } = setup();

      const response = await answerDashboard(as(undefined, { path, model: 'fraud' }), deps);

      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.body ?? '')).toEqual({
        error: 'unauthorized',
        detail: 'sign in: send a token from your identity provider',
      });
    },
  );

  it('answers 401 to a POST without a token, and queues nothing', async () => {
    const { deps, queued } = setup([version('2', 'awaiting_approval')]);

    const response = await answerDashboard(
      as(undefined, {
        method: 'POST',
        path: '/ui/approvals',
        form: 'model=fraud&version=2&decision=approve',
      }),
      deps,
    );

    expect(response.statusCode).toBe(401);
    expect(queued).toEqual([]);
  });

  it('asks for the sign-in link locally when there is no session cookie', async () => {
    const { deps } = setup();

    const response = await answerDashboard(as(undefined, {}), { ...deps, signInKeys: async () => ['k'] });

    expect(JSON.parse(response.body ?? '').detail).toBe('sign in: open the sign-in link `npm start` printed');
  });
});

describe('approving from the dashboard', () => {
  const waiting = [version('2', 'awaiting_approval', { expiresAt: '2026-11-21T10:00:00.000Z' })];

  it.each([
    ['an approver', 'approver@example.com', 2],
    ['a person who is not an approver', 'viewer@example.com', 0],
  ])('shows %s %i buttons', async (_, email, buttons) => {
    const { deps } = setup(waiting);

    const response = await answerDashboard(as(email, { path: '/ui/approvals' }), deps);

    expect((response.body ?? '').match(/<button/g)?.length ?? 0).toBe(buttons);
  });

  it('queues a decision the approver posted from the dashboard itself, as made via the dashboard', async () => {
    const { deps, queued } = setup(waiting);

    const response = await answerDashboard(
      as('approver@example.com', {
        method: 'POST',
        path: '/ui/approvals',
        form: 'model=fraud&version=2&decision=approve',
        origin: 'null',
        fetchSite: 'same-origin',
      }),
      deps,
    );

    expect(response.statusCode).toBe(303);
    expect(queued).toEqual([
      expect.objectContaining({
        type: 'decision',
        model: 'fraud',
        version: '2',
        decision: 'approve',
        via: 'ui',
      }),
    ]);
  });

  it.each([
    [
      'a decision forged by someone who is not an approver',
      { claims: { email: 'viewer@example.com' } },
      'viewer is not an approver of fraud',
    ],
    [
      'an approver’s form posted from another site (Origin)',
      { claims: { email: 'approver@example.com' }, origin: 'https://evil.example.net' },
      'the form was posted from another site',
    ],
    [
      'an approver’s form posted from an opaque origin (Origin: null)',
      { claims: { email: 'approver@example.com' }, origin: 'null' },
      'the form was posted from another site',
    ],
    [
      'an approver’s form posted from another site (Sec-Fetch-Site)',
      {
        claims: { email: 'approver@example.com' },
        origin: 'https://baton.example.com',
        fetchSite: 'cross-site',
      },
      'the form was posted from another site',
    ],
  ])('refuses %s with 403 and queues nothing', async (_, who, detail) => {
    const { deps, queued } = setup(waiting);

    const response = await answerDashboard(
      as(undefined, {
        method: 'POST',
        path: '/ui/approvals',
        form: 'model=fraud&version=2&decision=approve',
        ...who,
      }),
      deps,
    );

    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body ?? '')).toEqual({ error: 'forbidden', detail });
    expect(queued).toEqual([]);
  });
});
