/**
 * How an approval request, a rejection and an expiry read. The request carries the Approve and
 * Reject buttons (their action ids and value schema live here, and the interactions handler parses
 * them with these); signed approval links are never rendered, since a channel message would hand
 * one approver's link to everyone.
 *
 * @example
 *   approvalRendering.blocks['approval.requested'](n).at(-1); // the Approve/Reject actions
 */
import * as z from 'zod/mini';
import { artefactFields, artefactHeading, artefactLines } from './artefactRendering';
import type { KindRendering, Of } from './renderingParts';
import { about, checkBlocks, checkRows, metricRows, tally } from './renderingParts';
import {
  type Block,
  clip,
  confirmation,
  context,
  date,
  escapeMrkdwn,
  fields,
  header,
  link,
  people,
  person,
  plain,
  preformatted,
  quote,
  section,
  slackLimits,
} from './slackBlockKit';

export const approvalActionIds = { approve: 'baton.approve', reject: 'baton.reject' } as const;

/** The `value` of the Approve and Reject buttons; the interactions handler parses it with this. */
export const approvalButtonValueSchema = z.object({
  model: z.string(),
  version: z.string(),
  decision: z.enum(['approve', 'reject']),
});
export type ApprovalButtonValue = z.infer<typeof approvalButtonValueSchema>;

function approvalActions(n: Of<'approval.requested'>): Block[] {
  const value = (decision: ApprovalButtonValue['decision']) =>
    JSON.stringify({ model: n.model, version: n.version, decision } satisfies ApprovalButtonValue);
  // A cut value would name another model; without buttons the approvers still have their links.
  if (value('approve').length > slackLimits.buttonValue)
    return context(['The model name is too long for buttons: use your approval link.']);
  const name = `${n.model} v${n.version}`;
  return [
    {
      type: 'actions',
      block_id: clip(`baton.approval:v${n.version}:${n.model}`, slackLimits.blockId),
      elements: [
        {
          type: 'button',
          action_id: approvalActionIds.approve,
          text: plain('Approve', 75),
          style: 'primary',
          value: value('approve'),
          confirm: confirmation(
            `Approve ${name}?`,
            `${escapeMrkdwn(name)} will be promoted as its policy says.`,
            'Approve',
          ),
        },
        {
          type: 'button',
          action_id: approvalActionIds.reject,
          text: plain('Reject', 75),
          style: 'danger',
          value: value('reject'),
        },
      ],
    },
  ];
}

export const approvalRendering: KindRendering<
  'approval.requested' | 'approval.rejected' | 'approval.expired'
> = {
  summary: {
    'approval.requested': (n) =>
      `${n.model} v${n.version} awaits approval (${tally(n.checks)}; expires ${n.expiresAt})`,
    'approval.rejected': (n) =>
      `${n.model} v${n.version} was rejected by ${n.by}${n.reason ? `: ${n.reason}` : ''}`,
    'approval.expired': (n) =>
      `The approval request for ${n.model} v${n.version} expired; it was not promoted`,
  },
  blocks: {
    'approval.requested': (n, artefactRows) => [
      header(`🗳️ Approval requested: ${n.model} v${n.version}`),
      fields([
        ['Model', escapeMrkdwn(n.model)],
        ['Version', escapeMrkdwn(n.version)],
        ['Registered by', n.registeredBy ? person(n.registeredBy) : 'unknown'],
        ['Run', n.runId || n.runLink ? link(n.runLink, n.runId ?? 'open in the registry') : '—'],
        [`Approvers (${n.minApprovals} needed)`, people(n.approvers)],
        ['Expires', date(n.expiresAt)],
      ]),
      section(`*Checks: ${tally(n.checks)}*`),
      ...checkBlocks(n.checks),
      section(
        n.champion
          ? `*Metrics against the champion (v${escapeMrkdwn(n.champion.version)})*`
          : '*Metrics* (no champion yet)',
      ),
      ...preformatted(metricRows(n.metrics, n.champion), 2),
      ...(n.artefact && artefactRows
        ? [section(`*${artefactHeading}*`), fields(artefactFields(n.artefact, escapeMrkdwn, artefactRows))]
        : []),
      ...approvalActions(n),
    ],
    'approval.rejected': (n) => [
      header(`🚫 ${n.model} v${n.version} was rejected`),
      section(`*Rejected by* ${person(n.by)}${n.reason ? `\n${quote(n.reason)}` : ''}`),
      ...about(n),
    ],
    'approval.expired': (n) => [
      header(`⌛ Approval for ${n.model} v${n.version} expired`),
      section(
        `No decision arrived in time: *${escapeMrkdwn(n.model)}* v${escapeMrkdwn(n.version)} was not promoted.`,
      ),
      ...about(n),
    ],
  },
  details: {
    'approval.requested': (n, artefactRows) => [
      `Approvers (${n.minApprovals} needed): ${n.approvers.join(', ') || '—'}`,
      ...checkRows(n.checks),
      n.champion ? `Metrics against the champion v${n.champion.version}:` : 'Metrics (no champion yet):',
      ...metricRows(n.metrics, n.champion),
      ...artefactLines(n.artefact, artefactRows),
    ],
    'approval.rejected': (n) => (n.reason ? [`Reason: ${n.reason}`] : []),
    'approval.expired': () => [],
  },
};
