import { describe, expect, it } from 'vitest';
import type { AnalysisVerdict } from '../../events/analysisVerdict';
import { modelBody } from '../../lib/app/ui/modelView';
import { rolloutBody } from '../../lib/app/ui/rolloutView';
import type { AuditEntry, VersionState } from '../../lib/domain/state';
import { MemoryDashboardReader } from '../support/dashboardFakes';

const entry = (minute: number, kind: string, evidence: Record<string, unknown> = {}): AuditEntry => ({
  at: new Date(Date.UTC(2026, 10, 20, 12, minute)).toISOString(),
  model: 'fraud',
  version: '2',
  kind,
  actor: 'baton',
  cause: 'x',
  evidence,
});

const state: VersionState = {
  model: 'fraud',
  version: '2',
  phase: 'rolling_out',
  revision: 4,
  updatedAt: '2026-11-20T12:10:00.000Z',
  rollout: {
    endpoint: 'fraud-prod',
    kind: 'sagemaker',
    champion: '1',
    approvedBy: ['approver'],
    startedAt: '2026-11-20T12:00:00.000Z',
    step: 1,
    weights: { '1': 50, '2': 50 },
    deadline: Date.UTC(2026, 10, 21),
    alarms: ['fraud-5xx'],
  },
};

const verdict: AnalysisVerdict = {
  outcome: 'pass',
  reason: 'every rule passed',
  source: 'cloudwatch',
  invocations: { challenger: 1000, champion: 9000 },
  step: 1,
  rules: [
    {
      metric: 'error_rate',
      outcome: 'pass',
      reason: 'within',
      samples: { challenger: 1000, champion: 9000 },
      challenger: 0.004,
      champion: 0.005,
      test: 'two_proportion',
      pValue: 0.00003,
      threshold: '+0.005',
    },
  ],
};

const audit = [
  entry(0, 'rollout.started'),
  entry(1, 'rollout.step', { step: 1, of: 3, weights: { '1': 90, '2': 10 } }),
  entry(6, 'rollout.analysis', { analysis: verdict }),
  entry(6, 'rollout.step', {
    step: 2,
    of: 3,
    weights: { '1': 50, '2': 50 },
    alarms: [{ name: 'fraud-5xx', state: 'OK' }],
  }),
];

const cells = (html: string, table: string) =>
  [...(html.split(`id="${table}"`)[1]?.split('</table>')[0] ?? '').matchAll(/<tr>(.*?)<\/tr>/g)]
    .slice(1)
    .map((row) => [...row[1]!.matchAll(/<td>(.*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')));

describe('the rollout page', () => {
  it('charts one series per version, and tables the weights of each step', () => {
    const html = rolloutBody({ model: 'fraud', state, audit, mayControl: false });

    expect(html.match(/<path class="series/g)).toHaveLength(2);
    const steps = [...html.matchAll(/<tr><td>(step \d of \d)<\/td><td>(.*?)<\/td><td>(.*?)<\/td>/g)];

    expect(steps.map((row) => row.slice(1))).toEqual([
      ['step 1 of 3', '2026-11-20T12:01:00.000Z', 'v1 90% · v2 10%'],
      ['step 2 of 3', '2026-11-20T12:06:00.000Z', 'v1 50% · v2 50%'],
    ]);
  });

  it('shows the analysis that judged a step with its numbers', () => {
    const html = rolloutBody({ model: 'fraud', state, audit, mayControl: false });
    const analysis = html.split('class="analysis"')[1]?.split('</table>')[0] ?? '';

    expect([...analysis.matchAll(/<td>(.*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, ''))).toEqual([
      'error_rate',
      'PASS',
      '1000 / 9000',
      '0.004',
      '0.005',
      'two-proportion',
      '3.0e-5',
      '+0.005',
    ]);
  });

  it('shows evidence of another shape as key and value rows', () => {
    const odd = [...audit.slice(0, 2), entry(6, 'rollout.analysis', { score: 0.7 }), audit[3]!];

    const html = rolloutBody({ model: 'fraud', state, audit: odd, mayControl: false });

    expect(html).toContain('<td>score</td><td>0.7</td>');
  });

  it.each([
    [true, 3],
    [false, 0],
  ])('shows the controls only to an approver (approver: %s, buttons: %i)', (mayControl, buttons) => {
    const html = rolloutBody({ model: 'fraud', state, audit, mayControl });

    expect(html.match(/<button/g)?.length ?? 0).toBe(buttons);
  });
});

describe('the model page at real sizes', () => {
  const versions = Array.from({ length: 120 }, (_, i) => ({
    ...state,
    version: String(i + 1),
    phase: 'archived' as const,
    rollout: undefined,
  }));
  const history = Array.from({ length: 130 }, (_, i) => ({
    ...entry(i, 'validation.passed'),
    version: String(i + 1),
  }));
  const reader = new MemoryDashboardReader(versions, history);

  it('shows 50 versions and 50 history entries, newest first, with a link to the older ones', async () => {
    const html = modelBody({
      model: 'fraud',
      versions: await reader.versionsPage('fraud', 50),
      history: await reader.auditPage('fraud', 50),
      moves: [],
      now: new Date('2026-11-21T00:00:00.000Z'),
      cursors: {},
    });

    expect(cells(html, 'versions')).toHaveLength(50);
    expect(cells(html, 'versions')[0]![0]).toBe('v120');
    expect(cells(html, 'history')).toHaveLength(50);
    expect(html).toContain('href="/ui/models/fraud?versions_before=71">older →');
  });

  it('pages the versions from the cursor, keeping the history where it is', async () => {
    const html = modelBody({
      model: 'fraud',
      versions: await reader.versionsPage('fraud', 50, '71'),
      history: await reader.auditPage('fraud', 50),
      moves: [],
      now: new Date('2026-11-21T00:00:00.000Z'),
      cursors: { versions: '71' },
    });

    expect(cells(html, 'versions').map((row) => row[0])).toEqual(
      Array.from({ length: 50 }, (_, i) => `v${70 - i}`),
    );
    expect(html).toContain('href="/ui/models/fraud">← newest');
  });
});
