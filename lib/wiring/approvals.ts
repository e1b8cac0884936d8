/**
 * The approval pages' composition: their configuration (the queue, the table holding versions and
 * used links, the SSM name of the link-signing key) and the adapters they run with.
 *
 * @example
 *   const deps = approvalsDeps(); // reads PROMOTION_QUEUE_URL, TABLE_NAME, APPROVAL_LINK_KEY_PARAM
 */
import * as z from 'zod/mini';
import { DynamoVersionReader } from '../adapters/store/dynamoVersionReader';
import { DynamoTokenLedger } from '../adapters/store/tokenLedger';
import type { ApprovalsDeps } from '../app/answerApprovalLink';
import { readConfig } from './config';
import { dynamoDocumentClient } from './dynamoClient';
import { promotionQueue } from './ingressAdapters';
import { secretStore } from './secrets';
import { artefactRowsOf } from './servingKinds';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  TABLE_NAME: z.string().check(z.minLength(1)),
  APPROVAL_LINK_KEY_PARAM: z.string().check(z.minLength(1)),
});

export function approvalsDeps(): ApprovalsDeps {
  const config = readConfig(configSchema);
  const db = dynamoDocumentClient();
  return {
    queue: promotionQueue(config.PROMOTION_QUEUE_URL),
    store: new DynamoVersionReader(db, config.TABLE_NAME),
    ledger: new DynamoTokenLedger(db, config.TABLE_NAME),
    secrets: secretStore(),
    keyName: config.APPROVAL_LINK_KEY_PARAM,
    now: () => new Date(),
    artefactRows: artefactRowsOf,
  };
}
