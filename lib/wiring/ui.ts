/**
 * The dashboard's composition: the table read-only (lib/adapters/store/dashboardReader.ts), the
 * champion moves kept across requests (lib/app/ui/championMoves.ts), the promotion queue its
 * decisions and controls go to, the compiled policies and people directory,
 * and — in the local stage only (`UI_SIGN_IN=on`) — the key sign-in links are signed with.
 *
 * @example
 *   const deps = await uiDeps(); // reads TABLE_NAME, PROMOTION_QUEUE_URL, UI_SIGN_IN_KEY_PARAM
 */
import * as z from 'zod/mini';
import { policyFor } from '../adapters/policy/policyLookup';
import { DynamoDashboardReader } from '../adapters/store/dashboardReader';
import { championMovesCache } from '../app/ui/championMoves';
import type { UiDeps } from '../app/ui/uiDeps';
import { readConfig } from './config';
import { dynamoDocumentClient } from './dynamoClient';
import { loadFunctionPolicies } from './functionPolicies';
import { promotionQueue } from './ingressAdapters';
import { secretStore } from './secrets';

const configSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  /** `off` in AWS: people sign in through the HTTP API's JWT authorizer there. */
  UI_SIGN_IN: z._default(z.enum(['on', 'off']), 'off'),
  /** The key local sign-in links are signed with (the approval-link key); read only when sign-in is on. */
  UI_SIGN_IN_KEY_PARAM: z.optional(z.string()),
});

export async function uiDeps(): Promise<UiDeps> {
  const config = readConfig(configSchema);
  const policies = await loadFunctionPolicies();
  const keyName = config.UI_SIGN_IN === 'on' ? config.UI_SIGN_IN_KEY_PARAM : undefined;
  const secrets = keyName ? secretStore() : undefined;
  const reader = new DynamoDashboardReader(dynamoDocumentClient(), config.TABLE_NAME);
  const now = () => new Date();
  return {
    reader,
    championMoves: championMovesCache(reader, now),
    queue: promotionQueue(config.PROMOTION_QUEUE_URL),
    policyFor: (model) => policyFor(policies.policies, model),
    policyModels: policies.policies.map((p) => p.policy.model).filter((m) => !/[*?[]/.test(m)),
    people: policies.people,
    ...(secrets && keyName && { signInKeys: () => secrets.values(keyName) }),
    now,
  };
}
