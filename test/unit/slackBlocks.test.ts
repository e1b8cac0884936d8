import { describe, expect, it } from 'vitest';
import { type Notification, notificationSchema } from '../../events/notification';
import {
  approvalButtonValueSchema,
  type Block,
  clip,
  renderSlackMessage,
  renderText,
  slackLimits,
} from '../../lib/adapters/notify/slackBlocks';
import { subjectOf } from '../../lib/adapters/notify/snsNotifier';

const checks = [
  { id: 'tag.git_sha', passed: true, reason: 'tag git_sha is set' },
  { id: 'metric.val_auc', passed: false, reason: 'val_auc 0.7 < 0.8' },
  { id: 'champion.val_logloss', passed: true, reason: 'val_logloss 0.412 ≤ champion 0.409 + 0.005' },
];
const base = {
  model: 'fraud',
  version: '7',
  idempotencyKey: 'k-7',
  runId: 'run-7',
  runLink: 'https://mlflow.example.com/#/experiments/1/runs/run-7',
  registeredBy: 'alice@example.com',
};

const notifications: Record<Notification['kind'], Notification> = {
  'validation.passed': {
    kind: 'validation.passed',
    ...base,
    checks: checks.map((c) => ({ ...c, passed: true })),
  },
  'validation.failed': { kind: 'validation.failed', ...base, checks },
  'approval.requested': {
    kind: 'approval.requested',
    ...base,
    checks,
    metrics: { val_auc: 0.91, val_logloss: 0.412 },
    champion: { version: '6', metrics: { val_auc: 0.89, val_logloss: 0.409 } },
    approvers: ['U024BE7LH', 'bob@example.com'],
    minApprovals: 1,
    expiresAt: '2026-11-25T12:00:00.000Z',
  },
  'approval.rejected': {
    kind: 'approval.rejected',
    ...base,
    by: 'U024BE7LH',
    reason: 'latency regression in shadow',
  },
  'approval.expired': { kind: 'approval.expired', ...base },
  'promotion.completed': {
    kind: 'promotion.completed',
    ...base,
    previousChampion: '6',
    approvedBy: ['U024BE7LH'],
  },
  'champion.changed': { kind: 'champion.changed', ...base, expected: '6', reverted: true },
  'rollout.started': {
    kind: 'rollout.started',
    ...base,
    endpoint: 'fraud-prod',
    champion: '6',
    steps: [10, 50, 100],
    weights: { '6': 90, '7': 10 },
    approvedBy: ['U024BE7LH'],
  },
  'rollout.paused': {
    kind: 'rollout.paused',
    ...base,
    endpoint: 'fraud-prod',
    reason: 'alarm fraud-p99-latency has no data',
    by: 'baton',
    weights: { '6': 50, '7': 50 },
  },
  'rollout.aborted': {
    kind: 'rollout.aborted',
    ...base,
    endpoint: 'fraud-prod',
    reason: 'error rate 4% > 1%',
    by: 'U024BE7LH',
    champion: '6',
  },
  'rollback.completed': {
    kind: 'rollback.completed',
    ...base,
    to: '6',
    reason: 'alert rule 0: rollback',
    by: 'baton',
    alert: { name: 'FraudHighErrorRate', source: 'alertmanager', reason: '5xx rate 7% for 10m' },
  },
  'copy.failed': {
    kind: 'copy.failed',
    ...base,
    destination: 'prod/prod.models.fraud',
    reason: 'digest mismatch (differing files: model.pkl)',
  },
  'rollback.impossible': {
    kind: 'rollback.impossible',
    ...base,
    reason: 'no archive alias and no earlier champion in the history',
  },
  'alert.received': {
    kind: 'alert.received',
    ...base,
    alert: { name: 'FraudDrift', source: 'cloudwatch', reason: 'Threshold Crossed: psi 0.31 > 0.2' },
    action: 'retrain',
  },
  'retrain.requested': {
    kind: 'retrain.requested',
    ...base,
    reason: 'alert FraudDrift (cloudwatch)',
    target: 'https://ci.example.com/hooks/retrain-fraud',
  },
};
const approval = notifications['approval.requested'] as Extract<Notification, { kind: 'approval.requested' }>;
const started = notifications['rollout.started'] as Extract<Notification, { kind: 'rollout.started' }>;

/** Everything a reader sees in the message, as one string. */
function visible(blocks: Block[]): string {
  return JSON.stringify(blocks);
}
const actionsOf = (blocks: Block[]) =>
  blocks.find((b) => b.type === 'actions') as Extract<Block, { type: 'actions' }>;

function expectWithinLimits(blocks: Block[]) {
  expect(blocks.length).toBeLessThanOrEqual(slackLimits.blocks);
  for (const block of blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(slackLimits.header);
    if (block.type === 'section' && 'text' in block)
      expect(block.text.text.length).toBeLessThanOrEqual(slackLimits.sectionText);
    if (block.type === 'section' && 'fields' in block) {
      expect(block.fields.length).toBeLessThanOrEqual(slackLimits.fields);
      for (const f of block.fields) expect(f.text.length).toBeLessThanOrEqual(slackLimits.field);
    }
    if (block.type === 'actions') {
      expect(block.block_id.length).toBeLessThanOrEqual(slackLimits.blockId);
      for (const b of block.elements) expect(b.value.length).toBeLessThanOrEqual(slackLimits.buttonValue);
    }
  }
}

describe('the Slack message of each kind', () => {
  it.each(Object.values(notifications))(
    'for $kind has a header, a text fallback and stays within Block Kit limits',
    (n) => {
      const message = renderSlackMessage(notificationSchema.parse(n));

      expect(message.blocks[0]!.type).toBe('header');
      expect(message.text).toContain('fraud v7');
      expectWithinLimits(message.blocks);
    },
  );

  it('shows a validation verdict as a table of check, outcome and reason, escaping < for Slack', () => {
    const { blocks, text } = renderSlackMessage(notifications['validation.failed']);

    expect(visible(blocks)).toContain('❌ fraud v7 failed validation');
    expect(visible(blocks)).toContain('2 of 3 checks passed');
    const table = (blocks[2] as { text: { text: string } }).text.text;
    expect(table.split('\n')).toEqual([
      '```',
      'check                 outcome  reason',
      'tag.git_sha           PASS     tag git_sha is set',
      'metric.val_auc        FAIL     val_auc 0.7 &lt; 0.8',
      'champion.val_logloss  PASS     val_logloss 0.412 ≤ champion 0.409 + 0.005',
      '```',
    ]);
    expect(text).toBe('fraud v7 failed validation: val_auc 0.7 &lt; 0.8');
  });

  it('asks for approval with the facts, the metrics against the champion, and Approve/Reject buttons', () => {
    const { blocks } = renderSlackMessage(approval);

    expect(visible(blocks)).toContain('<https://mlflow.example.com/#/experiments/1/runs/run-7|run-7>');
    expect(visible(blocks)).toContain('alice@example.com');
    expect(visible(blocks)).toContain('<@U024BE7LH>, bob@example.com');
    expect(visible(blocks)).toContain(
      '<!date^1795608000^{date_short_pretty} {time}|2026-11-25T12:00:00.000Z>',
    );
    expect(visible(blocks)).toContain('val_auc      0.91       0.89         +0.02');
    expect(visible(blocks)).toContain('val_logloss  0.412      0.409        +0.003');
    const actions = actionsOf(blocks);
    expect(actions.block_id).toBe('baton.approval:v7:fraud');
    expect(actions.elements.map((b) => [b.action_id, b.text.text, b.style, JSON.parse(b.value)])).toEqual([
      ['baton.approve', 'Approve', 'primary', { model: 'fraud', version: '7', decision: 'approve' }],
      ['baton.reject', 'Reject', 'danger', { model: 'fraud', version: '7', decision: 'reject' }],
    ]);
    for (const button of actions.elements)
      expect(approvalButtonValueSchema.parse(JSON.parse(button.value))).toBeTruthy();
  });

  it('never shows a signed approval link that an older worker put on the broadcast', () => {
    const legacy = notificationSchema.parse({
      ...approval,
      links: { 'bob@example.com': 'https://baton.example.com/approvals/SECRET-TOKEN-BOB' },
    });

    const message = renderSlackMessage(legacy);

    expect(visible(message.blocks)).not.toContain('SECRET');
    expect(renderText(legacy)).not.toContain('SECRET');
  });

  it('says there is no champion yet when there is none', () => {
    const { blocks } = renderSlackMessage({ ...approval, champion: null });

    expect(visible(blocks)).toContain('*Metrics* (no champion yet)');
    expect(visible(blocks)).toContain('val_auc      0.91');
  });

  it('names who approved a promotion and where the previous champion went', () => {
    const { blocks } = renderSlackMessage(notifications['promotion.completed']);

    expect(visible(blocks)).toContain('🏆 fraud v7 is the new champion');
    expect(visible(blocks)).toContain('*Approved by*\\n<@U024BE7LH>');
    expect(visible(blocks)).toContain('*Previous champion*\\nv6 → archive');
  });

  it('names who rejected a version and quotes the reason', () => {
    const { blocks } = renderSlackMessage(notifications['approval.rejected']);

    expect(visible(blocks)).toContain('*Rejected by* <@U024BE7LH>\\n>latency regression in shadow');
  });

  it('says an expired request promoted nothing', () => {
    const { blocks, text } = renderSlackMessage(notifications['approval.expired']);

    expect(visible(blocks)).toContain('was not promoted');
    expect(text).toBe('The approval request for fraud v7 expired; it was not promoted');
  });
});

describe('the Slack messages of a rollout', () => {
  const buttons = (blocks: Block[]) =>
    actionsOf(blocks).elements.map((b) => [b.action_id, b.text.text, b.style, JSON.parse(b.value)]);
  const fraud7 = { model: 'fraud', version: '7' };

  it('announces a started rollout with its endpoint, weights, steps and approvers', () => {
    const { blocks, text } = renderSlackMessage(started);

    expect(visible(blocks)).toContain('🚦 Rollout started: fraud v7');
    expect(visible(blocks)).toContain('*Endpoint*\\nfraud-prod');
    expect(visible(blocks)).toContain('*Traffic*\\nv7 10 % · v6 90 %');
    expect(visible(blocks)).toContain('*Steps*\\n10 % → 50 % → 100 %');
    expect(visible(blocks)).toContain('*Champion*\\nv6');
    expect(visible(blocks)).toContain('*Approved by*\\n<@U024BE7LH>');
    expect(text).toBe('fraud v7 rollout started on fraud-prod: v7 10 % · v6 90 %');
  });

  it('offers Pause, Abort and Promote now on a started rollout, naming the model and version', () => {
    const { blocks } = renderSlackMessage(started);

    expect(actionsOf(blocks).block_id).toBe('baton.rollout:v7:fraud');
    expect(buttons(blocks)).toEqual([
      ['rollout_pause', 'Pause', undefined, fraud7],
      ['rollout_abort', 'Abort', 'danger', fraud7],
      ['rollout_promote', 'Promote now', undefined, fraud7],
    ]);
  });

  it('offers Resume, Abort and Promote now on a paused rollout, with who paused it and why', () => {
    const { blocks, text } = renderSlackMessage(notifications['rollout.paused']);

    expect(visible(blocks)).toContain('⏸️ Rollout paused: fraud v7');
    expect(visible(blocks)).toContain('*Paused by* baton\\n>alarm fraud-p99-latency has no data');
    expect(visible(blocks)).toContain('*Traffic (held)*\\nv7 50 % · v6 50 %');
    expect(text).toContain('rollout paused on fraud-prod by baton');
    expect(buttons(blocks)).toEqual([
      ['rollout_resume', 'Resume', 'primary', fraud7],
      ['rollout_abort', 'Abort', 'danger', fraud7],
      ['rollout_promote', 'Promote now', undefined, fraud7],
    ]);
  });

  it.each(['rollout.started', 'rollout.paused'] as const)(
    'asks for confirmation before Abort and Promote now on %s',
    (kind) => {
      const { elements } = actionsOf(renderSlackMessage(notifications[kind]).blocks);

      const confirms = Object.fromEntries(elements.map((b) => [b.action_id, b.confirm]));
      expect(confirms.rollout_pause).toBeUndefined();
      expect(confirms.rollout_resume).toBeUndefined();
      expect(confirms.rollout_abort).toEqual({
        title: { type: 'plain_text', text: 'Abort the rollout of fraud v7?', emoji: true },
        text: {
          type: 'mrkdwn',
          text: 'All traffic on fraud-prod goes back to the champion; fraud v7 is not promoted.',
        },
        confirm: { type: 'plain_text', text: 'Abort', emoji: true },
        deny: { type: 'plain_text', text: 'Cancel', emoji: true },
      });
      expect(confirms.rollout_promote?.title.text).toBe('Promote fraud v7 now?');
      expect(confirms.rollout_promote?.text.text).toBe(
        'fraud v7 skips the remaining steps, takes all traffic on fraud-prod and becomes the champion.',
      );
    },
  );

  it.each([
    'rollout.aborted',
    'rollback.completed',
    'rollback.impossible',
    'alert.received',
    'retrain.requested',
  ] as const)('has no buttons on %s: there is nothing left to steer', (kind) => {
    expect(actionsOf(renderSlackMessage(notifications[kind]).blocks)).toBeUndefined();
  });

  it('says who aborted a rollout, why, and that the champion takes the traffic back', () => {
    const { blocks, text } = renderSlackMessage(notifications['rollout.aborted']);

    expect(visible(blocks)).toContain('🛑 Rollout aborted: fraud v7');
    expect(visible(blocks)).toContain('*Aborted by* <@U024BE7LH>\\n>error rate 4% &gt; 1%');
    expect(visible(blocks)).toContain('*Traffic*\\nv6 100 % (champion)');
    expect(visible(blocks)).toContain('was not promoted');
    expect(text).toBe(
      'fraud v7 rollout aborted on fraud-prod by U024BE7LH: error rate 4% &gt; 1% (v6 takes all traffic)',
    );
  });

  it('names the versions of a rollback, from and to, and the alert that caused it with its evidence', () => {
    const { blocks, text } = renderSlackMessage(notifications['rollback.completed']);

    expect(visible(blocks)).toContain('↩️ Rolled back: fraud v7 → v6');
    expect(visible(blocks)).toContain('*From*\\nv7 (demoted)');
    expect(visible(blocks)).toContain('*To*\\nv6 (serves again)');
    expect(visible(blocks)).toContain('*Rolled back by*\\nbaton');
    expect(visible(blocks)).toContain('*Alert*\\nFraudHighErrorRate (alertmanager)');
    expect(visible(blocks)).toContain('*Alert evidence*\\n>5xx rate 7% for 10m');
    expect(text).toBe(
      'fraud v7 rolled back to v6 by baton after alert FraudHighErrorRate: alert rule 0: rollback',
    );
  });

  it('pages the channel when no version is safe to roll back to', () => {
    const { blocks, text } = renderSlackMessage(notifications['rollback.impossible']);

    expect((blocks[0] as Extract<Block, { type: 'header' }>).text.text).toBe(
      '🚨 Act now: fraud v7 cannot be rolled back',
    );
    expect(visible(blocks)).toContain('<!here> *No safe version to roll back to — act now.*');
    expect(visible(blocks)).toContain('>no archive alias and no earlier champion in the history');
    expect(text).toBe(
      'fraud v7 cannot be rolled back: no safe version to roll back to — act now (no archive alias and no earlier champion in the history)',
    );
    expect(subjectOf(notifications['rollback.impossible'])).toBe(
      'Baton ACT NOW: fraud v7 cannot be rolled back: no safe version',
    );
  });

  it('shows an alert with its source, its evidence and what Baton does about it', () => {
    const { blocks, text } = renderSlackMessage(notifications['alert.received']);

    expect(visible(blocks)).toContain('🔔 Alert on fraud v7: FraudDrift');
    expect(visible(blocks)).toContain('*Alert*\\nFraudDrift (cloudwatch)');
    expect(visible(blocks)).toContain('*Baton will*\\nrequest a retrain');
    expect(visible(blocks)).toContain('*Evidence*\\n>Threshold Crossed: psi 0.31 &gt; 0.2');
    expect(text).toBe(
      'fraud v7 alert FraudDrift (cloudwatch): Threshold Crossed: psi 0.31 &gt; 0.2; Baton will request a retrain',
    );
  });

  it('says where a retrain request went and why', () => {
    const { blocks } = renderSlackMessage(notifications['retrain.requested']);

    expect(visible(blocks)).toContain('🔁 Retrain requested: fraud v7');
    expect(visible(blocks)).toContain('*Sent to*\\nhttps://ci.example.com/hooks/retrain-fraud');
    expect(visible(blocks)).toContain('*Why*\\n>alert FraudDrift (cloudwatch)');
  });

  it('drops the rollout buttons rather than cut a value beyond 2000 characters', () => {
    const { blocks } = renderSlackMessage({ ...started, model: 'm'.repeat(2000) });

    expect(actionsOf(blocks)).toBeUndefined();
    expect(visible(blocks)).toContain('steer the rollout from the baton CLI');
  });
});

describe('the SNS subject', () => {
  it.each(Object.values(notifications))('of $kind names Baton, the model and the version', (n) => {
    const subject = subjectOf(n);

    expect(subject).toMatch(/^Baton( ACT NOW)?: fraud v7 \S/);
    expect(subject).toMatch(/^[\x20-\x7e]{1,100}$/);
  });

  it('reads as what happened', () => {
    expect(subjectOf(started)).toBe('Baton: fraud v7 rollout started');
    expect(subjectOf(notifications['rollback.completed'])).toBe('Baton: fraud v7 was rolled back');
  });
});

describe('Block Kit limits', () => {
  const longName = `model-${'x'.repeat(400)}`;

  it('cuts a long model name in the header to 150 characters, ending in an ellipsis', () => {
    const { blocks } = renderSlackMessage({ ...approval, model: longName });

    const header = blocks[0] as Extract<Block, { type: 'header' }>;
    expect(header.text.text).toHaveLength(150);
    expect(header.text.text.endsWith('…')).toBe(true);
  });

  it('keeps the full model name in the button values, however long the block id gets', () => {
    const { blocks } = renderSlackMessage({ ...approval, model: longName });

    const actions = actionsOf(blocks);
    expect(actions.block_id).toHaveLength(255);
    expect(JSON.parse(actions.elements[0]!.value).model).toBe(longName);
  });

  it('drops the buttons rather than cut a value beyond 2000 characters', () => {
    const { blocks } = renderSlackMessage({ ...approval, model: 'm'.repeat(2000) });

    expect(actionsOf(blocks)).toBeUndefined();
    expect(visible(blocks)).toContain('use your approval link');
  });

  it('spreads a thousand checks over at most four sections and counts the ones left out', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      id: `metric.m${i}`,
      passed: i % 2 === 0,
      reason: `m${i} ${i} < 0.5 & more`,
    }));

    const { blocks } = renderSlackMessage({
      ...notifications['validation.failed'],
      checks: many,
    } as Notification);

    expectWithinLimits(blocks);
    const tables = blocks.filter((b) => b.type === 'section' && 'text' in b && b.text.text.startsWith('```'));
    expect(tables).toHaveLength(4);
    expect(visible(blocks)).toMatch(/… and \d+ more/);
  });

  it('cuts text without splitting an escape or a surrogate pair', () => {
    expect(clip('ab&lt;cd', 4)).toBe('ab…');
    expect(clip('abc😀d', 5)).toBe('abc…');
    expect(clip('short', 10)).toBe('short');
  });
});

describe('the plain-text rendering', () => {
  it.each(Object.values(notifications))(
    'for $kind starts with a summary that names the model and version',
    (n) => {
      expect(renderText(n).split('\n')[0]).toContain('fraud v7');
    },
  );

  it('lists the checks, the metrics against the champion and who registered the version', () => {
    expect(renderText(approval)).toBe(
      [
        'fraud v7 awaits approval (2 of 3 checks passed; expires 2026-11-25T12:00:00.000Z)',
        'Approvers (1 needed): U024BE7LH, bob@example.com',
        'check                 outcome  reason',
        'tag.git_sha           PASS     tag git_sha is set',
        'metric.val_auc        FAIL     val_auc 0.7 < 0.8',
        'champion.val_logloss  PASS     val_logloss 0.412 ≤ champion 0.409 + 0.005',
        'Metrics against the champion v6:',
        'metric       candidate  champion v6  Δ',
        'val_auc      0.91       0.89         +0.02',
        'val_logloss  0.412      0.409        +0.003',
        'Registered by: alice@example.com',
        'Run: https://mlflow.example.com/#/experiments/1/runs/run-7',
      ].join('\n'),
    );
  });

  it('gives a rollout its endpoint, weights and steps', () => {
    expect(renderText(started)).toContain(
      [
        'fraud v7 rollout started on fraud-prod: v7 10 % · v6 90 %',
        'Endpoint: fraud-prod',
        'Traffic: v7 10 % · v6 90 %',
        'Steps: 10 % → 50 % → 100 %',
        'Champion: v6',
        'Approved by: U024BE7LH',
      ].join('\n'),
    );
  });

  it('gives a rollback its versions and the alert with its evidence', () => {
    expect(renderText(notifications['rollback.completed'])).toContain(
      'From v7 to v6\nAlert: FraudHighErrorRate (alertmanager): 5xx rate 7% for 10m',
    );
  });

  it('gives a promotion its approvers and the archived champion', () => {
    expect(renderText(notifications['promotion.completed'])).toContain(
      'fraud v7 is the new champion (v6 → archive)\nApproved by: U024BE7LH\nPrevious champion: v6 → archive',
    );
  });
});
