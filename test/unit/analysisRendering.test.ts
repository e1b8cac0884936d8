/**
 * What people read of a canary analysis: the rule table in the Slack aborted and paused messages,
 * the same lines in the text rendering, and `baton history` showing each step's verdict.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { historyCommand } from '../../cli/history';
import { renderStatus } from '../../cli/status';
import type { AnalysisVerdict } from '../../events/analysisVerdict';
import { notificationSchema } from '../../events/notification';
import { renderSlackMessage, renderText } from '../../lib/adapters/notify/slackBlocks';
import type { AuditEntry } from '../../lib/domain/state';
import { aVersion } from '../support/builders';
import { captureOutput } from '../support/captureOutput';
import { MemoryRegistry, MemoryStore } from '../support/fakes';

const verdict: AnalysisVerdict = {
  outcome: 'fail',
  reason:
    'error_rate 0.04 (40/1000) vs champion 0.005 (45/9000) exceeds +0.005; two-proportion z-test p = 1.4e-30 < 0.05',
  source: 'cloudwatch',
  invocations: { challenger: 1000, champion: 9000 },
  step: 1,
  extensions: 0,
  rules: [
    {
      metric: 'error_rate',
      outcome: 'fail',
      reason: 'error_rate 0.04 (40/1000) vs champion 0.005 (45/9000) exceeds +0.005',
      samples: { challenger: 1000, champion: 9000 },
      challenger: 0.04,
      champion: 0.005,
      test: 'two_proportion',
      pValue: 1.357e-30,
      interval: [0.0227, 0.0473],
      threshold: '+0.005',
    },
  ],
};
const table = [
  'rule        outcome  challenger  champion  samples    test            p        threshold',
  'error_rate  FAIL     0.04        0.005     1000/9000  two-proportion  1.4e-30  +0.005',
];
const aborted = notificationSchema.parse({
  kind: 'rollout.aborted',
  model: 'fraud',
  version: '7',
  idempotencyKey: 'aborted:fraud:7',
  endpoint: 'fraud-prod',
  reason: `canary analysis failed at step 1: ${verdict.reason}`,
  by: 'baton',
  champion: '6',
  analysis: verdict,
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a canary analysis people can read', () => {
  it('shows the rule table in the Slack message of an aborted rollout', () => {
    const { blocks } = renderSlackMessage(aborted);

    const text = JSON.stringify(blocks);
    expect(text).toContain('Canary analysis, step 1: FAIL (1000 challenger, 9000 champion invocations)');
    expect(text).toContain(JSON.stringify(`\`\`\`\n${table.join('\n')}\n\`\`\``).slice(1, -1));
  });

  it('writes the same table in the text rendering', () => {
    expect(renderText(aborted).split('\n')).toEqual(expect.arrayContaining(table));
  });

  it('lists each step verdict under its entry in `baton history`', async () => {
    const entry: AuditEntry = {
      at: '2026-11-22T12:00:05.000Z',
      model: 'fraud',
      version: '7',
      kind: 'rollout.analysis',
      actor: 'baton',
      cause: 'due:fraud:7:1',
      evidence: { analysis: verdict },
    };
    const output = captureOutput();

    const code = await historyCommand(['fraud'], () => ({ store: { listAudit: async () => [entry] } }));

    expect(code).toBe(0);
    expect(output().split('\n')).toEqual([
      `2026-11-22T12:00:05.000Z  v7  rollout.analysis  by baton  Canary analysis, step 1: FAIL (1000 challenger, 9000 champion invocations): ${verdict.reason}`,
      ...table.map((row) => `    ${row}`),
      '',
    ]);
  });

  it('shows the latest verdict of a running rollout in `baton status`', async () => {
    const registry = new MemoryRegistry();
    const store = new MemoryStore();
    registry.add(aVersion({ name: 'fraud-detector', version: '7', tags: {} }));
    await store.saveVersion(
      {
        model: 'fraud-detector',
        version: '7',
        phase: 'rolling_out',
        revision: 3,
        updatedAt: 'x',
        dueAt: Date.parse('2026-11-22T12:30:00.000Z'),
        rollout: {
          endpoint: 'fraud-prod',
          kind: 'sagemaker',
          champion: '6',
          approvedBy: ['U024BE7LH'],
          startedAt: '2026-11-22T12:00:00.000Z',
          step: 0,
          weights: { '6': 90, '7': 10 },
          deadline: Date.parse('2026-11-22T16:30:00.000Z'),
          alarms: [],
          lastAnalysis: verdict,
        },
      },
      0,
      [],
    );

    const output = await renderStatus('fraud-detector', { store, registry, policiesDir: 'policies' });

    expect(output).toContain(
      [
        '  watching alarms: (none)',
        '  Canary analysis, step 1: FAIL (1000 challenger, 9000 champion invocations)',
        ...table.map((row) => `  ${row}`),
      ].join('\n'),
    );
  });
});
