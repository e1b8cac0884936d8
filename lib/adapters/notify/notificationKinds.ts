/**
 * Every notification kind with its renderer, in one table: the compiler checks that each kind of
 * events/notification has a summary, Slack blocks and plain-text details, so a new kind cannot
 * be posted half-rendered.
 *
 * @example
 *   dispatch(summaries, n); // 'fraud v7 is the new champion (v6 → archive)'
 */
import type { Renderers } from './renderingParts';
import { alertRendering } from './slackAlerts';
import { approvalRendering } from './slackApproval';
import type { Block } from './slackBlockKit';
import { championRendering } from './slackChampion';
import { copyRendering } from './slackCopy';
import { rolloutRendering } from './slackRollout';
import { validationRendering } from './slackValidation';

/** One line per notification: Slack's fallback text and the first line of the plain text. */
export const summaries: Renderers<string> = {
  ...validationRendering.summary,
  ...approvalRendering.summary,
  ...championRendering.summary,
  ...rolloutRendering.summary,
  ...alertRendering.summary,
  ...copyRendering.summary,
};

/** The Block Kit body of each notification. */
export const blockRenderers: Renderers<Block[]> = {
  ...validationRendering.blocks,
  ...approvalRendering.blocks,
  ...championRendering.blocks,
  ...rolloutRendering.blocks,
  ...alertRendering.blocks,
  ...copyRendering.blocks,
};

/** The lines under the summary in the plain text (logs, SNS subscribers). */
export const detailRenderers: Renderers<string[]> = {
  ...validationRendering.details,
  ...approvalRendering.details,
  ...championRendering.details,
  ...rolloutRendering.details,
  ...alertRendering.details,
  ...copyRendering.details,
};
