/**
 * Approvers see the pinned artefact where they decide: the Slack request, its plain-text
 * rendering, and the review page behind an approval link.
 */
import { describe, expect, it } from 'vitest';
import type { Artefact } from '../../events/artefact';
import type { Notification } from '../../events/notification';
import { type ApprovalsDeps, approvals } from '../../functions/approvals';
import { renderSlackMessage, renderText } from '../../lib/adapters/notify/slackBlocks';
import type { HttpEvent } from '../../lib/app/http/apiGateway';
import { reviewPage } from '../../lib/app/http/approvalPages';
import { signApprovalToken } from '../../lib/app/ingress/approvalToken';
import { artefactRowsOf } from '../../lib/wiring/catalog';
import { MemoryStore } from '../support/fakes';

const artefact: Artefact = {
  kind: 'sagemaker',
  image: '1234.dkr.ecr.eu-west-1.amazonaws.com/fraud:<7>',
  modelDataUrl: 's3://models/fraud/7/model.tar.gz',
  instanceType: 'ml.m5.large',
  instanceCount: 2,
  tags: { 'sagemaker.image': '1234.dkr.ecr.eu-west-1.amazonaws.com/fraud:<7>' },
};
const request: Notification = {
  kind: 'approval.requested',
  model: 'fraud',
  version: '7',
  idempotencyKey: 'approval:fraud:7',
  checks: [{ id: 'metric.val_auc', passed: true, reason: 'val_auc 0.91 ≥ 0.8' }],
  metrics: { val_auc: 0.91 },
  champion: null,
  approvers: ['ana@example.com'],
  minApprovals: 1,
  expiresAt: '2026-11-25T12:00:00.000Z',
  artefact,
};

describe('the pinned artefact in the approval request', () => {
  it('is a section of the Slack message, before the buttons', () => {
    const { blocks } = renderSlackMessage(request, artefactRowsOf);
    const at = blocks.findIndex(
      (b) => b.type === 'section' && 'text' in b && b.text.text.includes('What will be deployed'),
    );

    expect(blocks[at]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*What will be deployed (pinned at validation)*' },
    });
    expect(blocks[at + 1]).toEqual({
      type: 'section',
      fields: [
        {
          type: 'mrkdwn',
          text: '*Image*\n1234.dkr.ecr.eu-west-1.amazonaws.com/fraud:&lt;7&gt; (tag sagemaker.image)',
        },
        { type: 'mrkdwn', text: '*Model data*\ns3://models/fraud/7/model.tar.gz (version source)' },
        { type: 'mrkdwn', text: '*Instances*\n2 × ml.m5.large (policy)' },
      ],
    });
    expect(blocks.at(-1)?.type).toBe('actions');
  });

  it('is in the plain-text rendering', () => {
    expect(renderText(request, artefactRowsOf).split('\n')).toEqual(
      expect.arrayContaining([
        'What will be deployed (pinned at validation):',
        '  Image: 1234.dkr.ecr.eu-west-1.amazonaws.com/fraud:<7> (tag sagemaker.image)',
        '  Model data: s3://models/fraud/7/model.tar.gz (version source)',
        '  Instances: 2 × ml.m5.large (policy)',
      ]),
    );
  });

  it('is left out of requests from before pinning', () => {
    const { artefact: _, ...older } = request as Extract<Notification, { kind: 'approval.requested' }>;

    expect(renderText(older, artefactRowsOf)).not.toContain('What will be deployed');
  });
});

describe('the pinned artefact on the review page', () => {
  it('is shown, escaped, with what a later tag change does', () => {
    const html = reviewPage(
      {
        model: 'fraud',
        version: '7',
        approver: 'ana@example.com',
        phase: 'awaiting_approval',
        checks: [],
        artefact,
      },
      artefactRowsOf,
    );

    expect(html).toContain('<h2>What will be deployed</h2>');
    expect(html).toContain("If the registry's tags change after your approval, the rollout stops.");
    expect(html).toContain(
      '<tr><th>Image</th><td>1234.dkr.ecr.eu-west-1.amazonaws.com/fraud:&#60;7&#62; (tag sagemaker.image)</td></tr>',
    );
    expect(html).toContain('<tr><th>Instances</th><td>2 × ml.m5.large (policy)</td></tr>');
  });

  it('has no artefact section for a record from before pinning', () => {
    const html = reviewPage(
      { model: 'fraud', version: '7', approver: 'a', phase: null, checks: [] },
      artefactRowsOf,
    );

    expect(html).not.toContain('What will be deployed');
  });
});

describe('the approval link', () => {
  it('opens on a review page that shows the artefact stored with the verdict', async () => {
    const now = new Date('2026-11-22T12:00:00.000Z');
    const store = new MemoryStore();
    store.states.set('fraud/7', {
      model: 'fraud',
      version: '7',
      phase: 'awaiting_approval',
      revision: 1,
      artefact,
      updatedAt: now.toISOString(),
    });
    const deps = {
      queue: { enqueue: async () => undefined },
      store,
      ledger: { claim: async () => true, isUsed: async () => false, release: async () => undefined },
      secrets: { values: async () => ['link-key'] },
      keyName: 'approval-link-key',
      now: () => now,
      artefactRows: artefactRowsOf,
    } as unknown as ApprovalsDeps;
    const token = signApprovalToken(
      { model: 'fraud', version: '7', approver: 'ana@example.com', exp: now.getTime() / 1000 + 3600 },
      'link-key',
    );

    const page = await approvals(
      { pathParameters: { token }, requestContext: { http: { method: 'GET' } } } as unknown as HttpEvent,
      deps,
    );

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      '<tr><th>Model data</th><td>s3://models/fraud/7/model.tar.gz (version source)</td></tr>',
    );
  });
});
