/**
 * The plain-text rendering of a notification, for logs, the SNS topic's e-mail subscribers and the
 * NoopNotifier: the summary line, the kind's detail lines, then who registered it and its run.
 *
 * @example
 *   renderText(n); // 'fraud v7 failed validation: val_auc 0.7 < 0.8\ncheck  outcome  reason\n…'
 */
import type { Notification } from '../../../events/notification';
import type { ArtefactRowsOf } from '../../domain/servingPorts';
import { detailRenderers, summaries } from './notificationKinds';
import { dispatch } from './renderingParts';

/**
 * A plain-text rendering for logs and other subscribers: a summary line, then the details.
 * `artefactRows` (the wiring's `artefactRowsOf`) shows an approval request's pinned artefact.
 *
 * @example
 *   renderText(n); // 'fraud v7 failed validation: val_auc 0.7 < 0.8\ncheck  outcome  reason\n…'
 */
export function renderText(n: Notification, artefactRows?: ArtefactRowsOf): string {
  const context = [
    ...(n.registeredBy ? [`Registered by: ${n.registeredBy}`] : []),
    ...(n.runLink || n.runId ? [`Run: ${n.runLink ?? n.runId}`] : []),
  ];
  return [dispatch(summaries, n), ...dispatch(detailRenderers, n, artefactRows), ...context].join('\n');
}
