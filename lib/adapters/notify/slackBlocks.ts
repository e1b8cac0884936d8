/**
 * The Slack Block Kit rendering of every notification. Pure: the same notification always gives
 * the same message. Each family of kinds has its renderer (slackValidation.ts, slackApproval.ts,
 * slackChampion.ts, slackRollout.ts, slackAlerts.ts), built from the limit-aware pieces in
 * slackBlockKit.ts; this file puts a message together and keeps it within Block Kit's limits, so a
 * long model name or a policy with many checks still posts. Signed approval links are never
 * rendered: they act on behalf of one approver, and a channel message or a log line would hand
 * them to everyone. The plain text (logs, e-mail) is notificationText.ts.
 *
 * @example
 *   const { text, blocks } = renderSlackMessage(notification);
 *   logger.info(renderText(notification));
 */
import type { Notification } from '../../../events/notification';
import type { ArtefactRowsOf } from '../../domain/servingPorts';
import { blockRenderers, summaries } from './notificationKinds';
import { dispatch } from './renderingParts';
import { clip, escapeMrkdwn, type SlackMessage, slackLimits } from './slackBlockKit';

export { renderText } from './notificationText';
export { approvalButtonValueSchema } from './slackApproval';
export { type Block, clip, escapeMrkdwn, slackLimits } from './slackBlockKit';

/**
 * The Block Kit message for a notification, with its top-level `text` fallback. `artefactRows`
 * (the wiring's `artefactRowsOf`) shows an approval request's pinned artefact.
 *
 * @example
 *   renderSlackMessage(n, artefactRowsOf).blocks.at(-1); // for approval.requested: the Approve/Reject actions
 */
export function renderSlackMessage(n: Notification, artefactRows?: ArtefactRowsOf): SlackMessage {
  const blocks = dispatch(blockRenderers, n, artefactRows);
  return {
    text: clip(escapeMrkdwn(dispatch(summaries, n)), slackLimits.fallbackText),
    // The renderers stay far below 50 blocks; the cut keeps the actions (last) if one ever does not.
    blocks:
      blocks.length > slackLimits.blocks
        ? [...blocks.slice(0, slackLimits.blocks - 1), blocks.at(-1)!]
        : blocks,
  };
}
