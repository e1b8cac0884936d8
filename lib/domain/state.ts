/**
 * What Baton remembers about a model version between events, and the audit entries that record
 * each decision with its evidence. Stored by lib/store; the schema is the source of truth.
 */
import * as z from 'zod/mini';
import { Phase } from './phases';

const phases = Object.values(Phase) as [Phase, ...Phase[]];

export const checkResultSchema = z.object({ id: z.string(), passed: z.boolean(), reason: z.string() });

export const versionStateSchema = z.object({
  model: z.string(),
  version: z.string(),
  phase: z.enum(phases),
  /** Incremented on every write; writes are conditional on the revision read. */
  revision: z.int(),
  checks: z.optional(z.array(checkResultSchema)),
  /** The champion the candidate was compared with, if any. */
  comparedWith: z.optional(z.string()),
  /** Who registered the version (the registry's user, else the run's); never its own approver. */
  registeredBy: z.optional(z.string()),
  /** Approvals so far, one per person. */
  approvals: z.optional(z.array(z.object({ by: z.string(), at: z.string(), via: z.string() }))),
  /** When the approval request closes (ISO 8601). */
  expiresAt: z.optional(z.string()),
  /** The next deadline (ms since the epoch), found by the tick through the table's DueIndex. */
  dueAt: z.optional(z.number()),
  /** The recorded intent of a promotion, so a crash between alias calls converges. */
  promotion: z.optional(
    z.object({
      previousChampion: z.nullable(z.string()),
      approvedBy: z.array(z.string()),
      startedAt: z.string(),
    }),
  ),
  /** Who rejected the version, when rejected. */
  rejectedBy: z.optional(z.string()),
  updatedAt: z.string(),
});
export type VersionState = z.infer<typeof versionStateSchema>;

export const auditEntrySchema = z.object({
  at: z.string(),
  model: z.string(),
  version: z.optional(z.string()),
  /** What was decided, e.g. `validation.passed`, `unmanaged`. */
  kind: z.string(),
  /** Who decided: `baton`, or the person who approved, rejected or rolled back. */
  actor: z.string(),
  /** The event that led to the decision (its business key). */
  cause: z.string(),
  evidence: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
