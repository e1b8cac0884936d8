/**
 * How an approval request shows the pinned artefact (what a rollout will deploy), kept apart from
 * the approval message's renderer (slackApproval.ts) so that file stays one idea. The rows themselves
 * come from the artefact's serving kind (its adapter's spec) through the lookup the wiring injects
 * (lib/wiring/catalog.ts `artefactRowsOf`), shared with the approval link's review page, so every
 * channel shows the same values and no renderer imports a serving adapter.
 *
 * @example
 *   artefactLines(n.artefact, artefactRowsOf); // ['What will be deployed (pinned at validation):', '  Image: ecr/f:7 (tag sagemaker.image)', …]
 */
import type { Artefact } from '../../../events/artefact';
import type { ArtefactRowsOf } from '../../domain/servingPorts';

/** Tells approvers the values are fixed now: a tag changed after their approval stops the rollout. */
export const artefactHeading = 'What will be deployed (pinned at validation)';

/**
 * The artefact as plain-text lines, heading first; none for requests from before pinning (or for
 * a renderer given no rows lookup).
 *
 * @example
 *   renderText(request, artefactRowsOf).includes('Image: ecr/f:7'); // true
 */
export function artefactLines(artefact: Artefact | undefined, artefactRows?: ArtefactRowsOf): string[] {
  if (!artefact || !artefactRows) return [];
  return [`${artefactHeading}:`, ...artefactRows(artefact).map(([label, value]) => `  ${label}: ${value}`)];
}

/**
 * The artefact as Slack field pairs, values escaped with the caller's mrkdwn escaper.
 *
 * @example
 *   fields(artefactFields(n.artefact, escapeMrkdwn, artefactRowsOf));
 */
export function artefactFields(
  artefact: Artefact,
  escapeText: (text: string) => string,
  artefactRows: ArtefactRowsOf,
): Array<[string, string]> {
  return artefactRows(artefact).map(([label, value]) => [label, escapeText(value)]);
}
