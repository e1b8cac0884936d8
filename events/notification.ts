/**
 * What Baton announces on the notifications topic: one JSON message per notification, the
 * notifier's input. The single source of truth for its shape; the type comes from the schema.
 *
 * @example
 *   const n = notificationSchema.parse(JSON.parse(record.Sns.Message));
 *   if (n.kind === 'approval.requested') renderApprovalRequest(n);
 */
import * as z from 'zod/mini';
import { analysisVerdictSchema } from './analysisVerdict';
import { artefactSchema } from './artefact';

const check = z.object({ id: z.string(), passed: z.boolean(), reason: z.string() });

const base = {
  model: z.string(),
  version: z.string(),
  /** Subscribers deliver each key once, however often SNS delivers the message. */
  idempotencyKey: z.string(),
  runId: z.optional(z.string()),
  /** A link to the run in the registry's UI, when Baton knows the UI's address. */
  runLink: z.optional(z.string()),
  /** The user who registered the version, when the registry records one. */
  registeredBy: z.optional(z.string()),
};

export const notificationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('validation.passed'), ...base, checks: z.array(check) }),
  z.object({ kind: z.literal('validation.failed'), ...base, checks: z.array(check) }),
  z.object({
    kind: z.literal('approval.requested'),
    ...base,
    checks: z.array(check),
    metrics: z.record(z.string(), z.number()),
    champion: z.nullable(z.object({ version: z.string(), metrics: z.record(z.string(), z.number()) })),
    approvers: z.array(z.string()),
    minApprovals: z.int(),
    expiresAt: z.string(),
    /** What a rollout will deploy, pinned at validation: what the approvers approve. */
    artefact: z.optional(artefactSchema),
    // No links: each approver's signed link goes to that approver alone (lib/adapters/notify/approvalLinkDelivery),
    // never on this broadcast, which every subscriber of the topic (and its DLQ) reads.
  }),
  z.object({ kind: z.literal('approval.rejected'), ...base, by: z.string(), reason: z.optional(z.string()) }),
  z.object({ kind: z.literal('approval.expired'), ...base }),
  z.object({
    kind: z.literal('champion.changed'),
    ...base,
    /** Baton's champion before the change (null: none), and whether Baton put it back. */
    expected: z.nullable(z.string()),
    reverted: z.boolean(),
    /** Who moved it, when the registry says; MLflow's alias webhooks name nobody. */
    movedBy: z.optional(z.string()),
  }),
  z.object({
    kind: z.literal('promotion.completed'),
    ...base,
    previousChampion: z.nullable(z.string()),
    approvedBy: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('rollout.started'),
    ...base,
    endpoint: z.string(),
    champion: z.nullable(z.string()),
    steps: z.array(z.number()),
    weights: z.record(z.string(), z.number()),
    approvedBy: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('rollout.paused'),
    ...base,
    endpoint: z.string(),
    reason: z.string(),
    by: z.string(),
    weights: z.record(z.string(), z.number()),
    /** The canary analysis that paused the rollout, with its numbers. */
    analysis: z.optional(analysisVerdictSchema),
  }),
  z.object({
    kind: z.literal('rollout.aborted'),
    ...base,
    endpoint: z.string(),
    reason: z.string(),
    by: z.string(),
    champion: z.nullable(z.string()),
    /** The canary analysis that aborted the rollout, with its numbers. */
    analysis: z.optional(analysisVerdictSchema),
  }),
  z.object({
    kind: z.literal('rollback.completed'),
    ...base,
    /** The version that serves again. */
    to: z.string(),
    reason: z.string(),
    by: z.string(),
    alert: z.optional(z.object({ name: z.string(), source: z.string(), reason: z.optional(z.string()) })),
  }),
  z.object({
    /** A rollback was asked for but no version is safe to return to: people must act. */
    kind: z.literal('rollback.impossible'),
    ...base,
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('alert.received'),
    ...base,
    alert: z.object({ name: z.string(), source: z.string(), reason: z.optional(z.string()) }),
    action: z.string(),
  }),
  z.object({
    /** A copy to another environment stopped: the digests differ (lib/app/copyVersion.ts). */
    kind: z.literal('copy.failed'),
    ...base,
    /** `<registry>/<model>` the copy was going to. */
    destination: z.string(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('retrain.requested'),
    ...base,
    reason: z.string(),
    target: z.string(),
  }),
]);
export type Notification = z.infer<typeof notificationSchema>;
export type NotificationKind = Notification['kind'];
