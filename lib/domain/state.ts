/**
 * What Baton remembers about a model version between events, and the audit entries that record
 * each decision with its evidence. Stored by lib/adapters/store; the schema is the source of truth.
 */
import * as z from 'zod/mini';
import { analysisVerdictSchema } from '../../events/analysisVerdict';
import { artefactSchema } from '../../events/artefact';
import { promotionEventSchema } from '../../events/promotionEvent';
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
  /**
   * What a rollout of this version deploys, resolved at validation (lib/domain/artefact.ts) and
   * deployed by every traffic step. Absent on records from before pinning: those read tags at shift time.
   */
  artefact: z.optional(artefactSchema),
  /** Who registered the version (the registry's user, else the run's); never its own approver. */
  registeredBy: z.optional(z.string()),
  /**
   * Approvals so far, one per person: `by` is the person (their name in the people files, or the
   * identity itself for someone the files do not name), `identity` what they acted as, `via` the
   * channel. Records from before the people files have `by` only (the identity).
   */
  approvals: z.optional(
    z.array(z.object({ by: z.string(), identity: z.optional(z.string()), at: z.string(), via: z.string() })),
  ),
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
  /** A canary rollout of this version (lib/domain/rolloutSteps.ts), kept after it ends as its record. */
  rollout: z.optional(
    z.object({
      endpoint: z.string(),
      /** The serving kind (a key of lib/wiring/catalog.ts), as the policy named it when the rollout started. */
      kind: z.string(),
      /** The champion sharing the endpoint (null: the first version of the model). */
      champion: z.nullable(z.string()),
      approvedBy: z.array(z.string()),
      startedAt: z.string(),
      /** The index into the policy's steps that is live; -1 before the first step. */
      step: z.int(),
      /** The weights the live step set, by version. */
      weights: z.record(z.string(), z.number()),
      stepAt: z.optional(z.string()),
      /** A rollout still running then is aborted (ms since the epoch). */
      deadline: z.number(),
      alarms: z.array(z.string()),
      /** Set while paused: no step moves until someone resumes (or the deadline aborts). */
      paused: z.optional(z.object({ reason: z.string(), by: z.string(), at: z.string() })),
      /** Another version holds the model's rollout lease; this one starts when it is free. */
      waitingFor: z.optional(z.string()),
      /** After promotion: when the previous champion's variant is removed (ms since the epoch). */
      cleanupAt: z.optional(z.number()),
      /** Bakes added to the live step while its canary analysis was inconclusive (canaryAnalysis.ts). */
      analysisExtensions: z.optional(z.int()),
      /** The canary analysis's latest verdict on this rollout, with its numbers (`baton status`). */
      lastAnalysis: z.optional(analysisVerdictSchema),
    }),
  ),
  /**
   * On Baton's champion: the version someone else moved the champion alias to (null: deleted), so
   * every sweep of one hand move is one episode: audited and announced once.
   */
  externalChampion: z.optional(
    z.object({ holder: z.nullable(z.string()), at: z.string(), reverted: z.boolean() }),
  ),
  /** Who rejected the version, when rejected. */
  rejectedBy: z.optional(z.string()),
  /**
   * Work stored but not finished (lib/app/storedIntent.ts): the effects of the stored decision
   * still to apply, in order, and events received for this version (a person's decision first of
   * all) still to decide, in order. While it is here, `dueAt` holds the next retry, so the tick
   * comes back through the DueIndex; the decision's own deadline waits in `deadline`.
   */
  intent: z.optional(
    z.object({
      /** Each an Effect (effects.ts), as the stored decision emitted it. */
      effects: z.array(z.looseObject({ type: z.string() })),
      received: z.array(promotionEventSchema),
      /** The deadline the decisions set (ms since the epoch), restored once the intent is done. */
      deadline: z.optional(z.number()),
      /** Failed attempts so far, for the back-off and for `baton status`. */
      attempts: z.int(),
      lastError: z.optional(z.string()),
    }),
  ),
  /** The delivery ids of the kept events decided last (a few): a redelivery of one is not decided again. */
  decided: z.optional(z.array(z.string())),
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
