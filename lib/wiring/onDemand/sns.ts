/**
 * The notifications topic's publisher: imported on first use (lib/wiring/deferred.ts), only when a
 * decision notifies. Most of the worker's invocations notify nothing (the registry's echoes of
 * Baton's own tags and aliases, routed no-ops, due times not yet reached), and the SNS client is
 * the only AWS Query-protocol client it carries (an XML parser with it), beside the text renderers.
 */
import { SnsNotifier } from '../../adapters/notify/snsNotifier';
import { artefactRowsOf } from '../catalog';
import { snsClient } from '../snsClient';

export function snsNotifier(topicArn: string): SnsNotifier {
  return new SnsNotifier(snsClient(), topicArn, artefactRowsOf);
}
