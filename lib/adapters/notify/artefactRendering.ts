/**
 * How an approval request shows the pinned artefact (what a rollout will deploy), kept apart from
 * the approval message's renderer (slackApproval.ts) so that file stays one idea. The rows themselves come from lib/domain/artefact.ts,
 * shared with the approval link's review page, so every channel shows the same values.
 *
 * @example
 *   artefactLines(n.artefact); // ['What will be deployed (pinned at validation):', '  Image: ecr/f:7 (tag sagemaker.image)', …]
 */
import type { Artefact } from '../../../events/artefact';
import { artefactRows } from '../../domain/artefact';

/** Tells approvers the values are fixed now: a tag changed after their approval stops the rollout. */
export const artefactHeading = 'What will be deployed (pinned at validation)';

/**
 * The artefact as plain-text lines, heading first; none for requests from before pinning.
 *
 * @example
 *   renderText(request).includes('Image: ecr/f:7'); // true
 */
export function artefactLines(artefact: Artefact | undefined): string[] {
  if (!artefact) return [];
  return [`${artefactHeading}:`, ...artefactRows(artefact).map(([label, value]) => `  ${label}: ${value}`)];
}

/**
 * The artefact as Slack field pairs, values escaped with the caller's mrkdwn escaper.
 *
 * @example
 *   fields(artefactFields(n.artefact, escapeMrkdwn));
 */
export function artefactFields(
  artefact: Artefact,
  escapeText: (text: string) => string,
): Array<[string, string]> {
  return artefactRows(artefact).map(([label, value]) => [label, escapeText(value)]);
}
