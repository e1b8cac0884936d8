/**
 * The notifications topic's publisher: imported on first use (lib/wiring/deferred.ts), only when a
 * decision notifies. Many of the worker's invocations notify nothing (the registry's echoes of the
 * aliases Baton sets, a due time whose bake is not over), and the SNS client is the only
 * Query-protocol client it carries (an XML parser with it), beside the text renderers.
 */
import { SnsNotifier } from '../../adapters/notify/snsNotifier';
import { artefactRowsOf } from '../servingKinds';
import { snsClient } from '../snsClient';

export function snsNotifier(topicArn: string): SnsNotifier {
  return new SnsNotifier(snsClient(), topicArn, artefactRowsOf);
}
