/**
 * The retraining port: how Baton asks a team's pipeline to train a new version when an alert
 * says the champion has degraded (a policy's `onAlert` rule with action `retrain`). Adapters post
 * a signed webhook (httpRetrain.ts), send an SQS message (sqsRetrain.ts) or start a Databricks
 * job (databricksJobRetrain.ts); createRetrain.ts picks one from the policy's `retrain.target`.
 *
 * The request is the same JSON for every target, so one receiver can parse it with
 * `retrainRequestSchema`. `idempotencyKey` is stable across redeliveries of the same alert: each
 * target uses it to start at most one run (Idempotency-Key header, FIFO deduplication id,
 * Databricks idempotency_token).
 *
 * @example
 *   const receipt = await trigger.trigger({
 *     model: 'fraud', version: '7', reason: 'alert p99-latency firing',
 *     requestedAt: '2025-06-01T12:00:00.000Z', idempotencyKey: 'fraud:alert:3f2a…',
 *   });
 *   receipt; // { target: 'databricks-job', id: '455644833' }
 */
import * as z from 'zod/mini';
import type { RetrainTargetKind } from './policy';

/** The kinds are declared once, by the policy's `retrain.target` variants (policy.ts). */
export type { RetrainTargetKind } from './policy';

export const retrainRequestSchema = z.object({
  /** The registered model to retrain. */
  model: z.string().check(z.minLength(1)),
  /** The version the alert was about (usually the champion), when known. */
  version: z.optional(z.string()),
  /** Why, in words, for the pipeline's logs. */
  reason: z.string(),
  /** The alert that asked for it. */
  alert: z.optional(z.object({ name: z.string(), source: z.string(), fingerprint: z.string() })),
  /** ISO 8601. */
  requestedAt: z.string(),
  /** The same for every redelivery of one request; at most 64 characters (Databricks' limit). */
  idempotencyKey: z.string().check(z.minLength(1), z.maxLength(64)),
});
export type RetrainRequest = z.infer<typeof retrainRequestSchema>;

export interface RetrainReceipt {
  target: RetrainTargetKind;
  /** The target's handle on the request: HTTP status, SQS message id or Databricks run id. */
  id?: string;
}

export interface RetrainTrigger {
  readonly kind: RetrainTargetKind;
  /** Hands the request to the target once; throws a RetrainError (errors.ts) when it was not accepted. */
  trigger(request: RetrainRequest): Promise<RetrainReceipt>;
}
