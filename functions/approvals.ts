/**
 * GET /approvals/{token} shows the version's summary with Approve and Reject; POST decides.
 * The token is an HMAC over model, version, approver and expiry (lib/app/ingress/approvalToken);
 * only the spelling Baton signed verifies, and each link works once (one record per decoded
 * claims). Invalid, expired and used links get a clear page, never a stack trace.
 */
import middy from '@middy/core';
import * as z from 'zod/mini';
import { sqsClient, ssmClient } from '../lib/adapters/aws/awsClients';
import { dynamoDocumentClient } from '../lib/adapters/aws/dynamoClient';
import { SqsEventQueue } from '../lib/adapters/queue/sqsEventQueue';
import { type SecretStore, SsmSecretStore } from '../lib/adapters/secrets/secretStore';
import { DynamoVersionReader } from '../lib/adapters/store/dynamoVersionReader';
import { DynamoTokenLedger, type TokenLedger } from '../lib/adapters/store/tokenLedger';
import { type HttpEvent, type HttpResult, rawBody } from '../lib/app/http/apiGateway';
import {
  confirmationPage,
  htmlResponse,
  problemPage,
  reviewPage,
  usedLinkPage,
} from '../lib/app/http/approvalPages';
import { approvalTokenId, verifyApprovalToken } from '../lib/app/ingress/approvalToken';
import { answerFor } from '../lib/domain/answers';
import type { PromotionStore } from '../lib/domain/ports';
import type { EventQueue } from '../lib/domain/queuePorts';
import { logger } from '../lib/log';
import { readConfig } from '../lib/wiring/config';

const configSchema = z.object({
  PROMOTION_QUEUE_URL: z.string().check(z.minLength(1)),
  TABLE_NAME: z.string().check(z.minLength(1)),
  APPROVAL_LINK_KEY_PARAM: z.string().check(z.minLength(1)),
});

export interface ApprovalsDeps {
  queue: EventQueue;
  /** listAudit (optional): a used link's page shows the answer to its decision. */
  store: Pick<PromotionStore, 'getVersion'> & Partial<Pick<PromotionStore, 'listAudit'>>;
  ledger: TokenLedger;
  secrets: SecretStore;
  keyName: string;
  now: () => Date;
}

export async function approvals(event: HttpEvent, deps: ApprovalsDeps): Promise<HttpResult> {
  const token = event.pathParameters?.token ?? '';
  const keys = await deps.secrets.values(deps.keyName);
  const verdict = verifyApprovalToken(token, keys, Math.floor(deps.now().getTime() / 1000));
  if (!verdict.ok) {
    return verdict.expired
      ? htmlResponse(
          410,
          problemPage('This approval link has expired', `The link expired; ${verdict.reason}.`),
        )
      : htmlResponse(
          401,
          problemPage('This approval link is not valid', `Baton cannot trust it: ${verdict.reason}.`),
        );
  }
  const { model, version, approver, exp } = verdict.claims;
  // Keyed on the decoded claims: no other spelling of this link gets a record of its own.
  const id = approvalTokenId(verdict.claims);
  if (event.requestContext.http.method === 'GET') {
    // A used link shows what became of its decision (the worker's answer for `link:<id>`), refusals included.
    if (await deps.ledger.isUsed(id)) {
      const audit = deps.store.listAudit ? await deps.store.listAudit(model) : [];
      return htmlResponse(409, usedLinkPage(answerFor(audit, `link:${id}`)));
    }
    const state = await deps.store.getVersion(model, version);
    return htmlResponse(
      200,
      reviewPage({
        model,
        version,
        approver,
        phase: state?.phase ?? null,
        checks: state?.checks ?? [],
        ...(state?.artefact && { artefact: state.artefact }),
      }),
    );
  }
  const decision = new URLSearchParams(rawBody(event).toString('utf8')).get('decision');
  if (decision !== 'approve' && decision !== 'reject') {
    return htmlResponse(400, problemPage('No decision', 'Choose Approve or Reject on the review page.'));
  }
  if (!(await deps.ledger.claim(id, exp))) {
    return htmlResponse(409, problemPage('This approval link was already used', 'Each link works once.'));
  }
  try {
    await deps.queue.enqueue({
      type: 'decision',
      model,
      version,
      decision,
      actor: approver,
      via: 'link',
      deliveryId: `link:${id}`,
      receivedAt: deps.now().toISOString(),
    });
  } catch (error) {
    // Not queued: give the link back so the approver can try again.
    await deps.ledger.release(id);
    throw error;
  }
  logger.info('queued link decision', { model, version, decision, approver });
  return htmlResponse(200, confirmationPage(model, version, decision));
}

function defaultDeps(): ApprovalsDeps {
  const config = readConfig(configSchema);
  const db = dynamoDocumentClient();
  return {
    queue: new SqsEventQueue(sqsClient(), config.PROMOTION_QUEUE_URL),
    store: new DynamoVersionReader(db, config.TABLE_NAME),
    ledger: new DynamoTokenLedger(db, config.TABLE_NAME),
    secrets: new SsmSecretStore(ssmClient()),
    keyName: config.APPROVAL_LINK_KEY_PARAM,
    now: () => new Date(),
  };
}

let deps: ApprovalsDeps | undefined;
export const handler = middy<HttpEvent, HttpResult>()
  .onError(async (request) => {
    logger.error('approval link failed', { error: request.error });
    request.response = htmlResponse(
      503,
      problemPage('Baton could not record that', 'Nothing was recorded; please try again in a moment.'),
    );
  })
  .handler((event) => {
    deps ??= defaultDeps();
    return approvals(event, deps);
  });
