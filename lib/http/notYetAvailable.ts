/**
 * The answer of a route whose event source is deployed but whose behaviour arrives with a later
 * issue: an honest 501 with a JSON body, never a silent 200.
 *
 * @example
 *   export const handler = notYetAvailable('Slack interactivity');
 */
import type { HttpResult } from './apiGateway';
import { jsonResponse } from './apiGateway';

export function notYetAvailable(feature: string): () => Promise<HttpResult> {
  return async () =>
    jsonResponse(501, { error: 'not_implemented', detail: `${feature} is not available yet` });
}
