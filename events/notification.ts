/**
 * What Baton announces on the notifications topic: one JSON message per notification, the
 * notifier's input. The single source of truth for its shape; the type comes from the schema.
 *
 * @example
 *   const n = notificationSchema.parse(JSON.parse(record.Sns.Message));
 *   if (n.kind === 'approval.requested') renderApprovalRequest(n);
 */
import * as z from 'zod/mini';

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
    /** Signed approval links (the review page), per e-mail approver, for approvers without Slack. */
    links: z.optional(z.record(z.string(), z.string())),
  }),
  z.object({ kind: z.literal('approval.rejected'), ...base, by: z.string(), reason: z.optional(z.string()) }),
  z.object({ kind: z.literal('approval.expired'), ...base }),
  z.object({
    kind: z.literal('champion.changed'),
    ...base,
    /** Baton's champion before the change (null: none), and whether Baton put it back. */
    expected: z.nullable(z.string()),
    reverted: z.boolean(),
  }),
  z.object({
    kind: z.literal('promotion.completed'),
    ...base,
    previousChampion: z.nullable(z.string()),
    approvedBy: z.array(z.string()),
  }),
]);
export type Notification = z.infer<typeof notificationSchema>;
export type NotificationKind = Notification['kind'];
