/**
 * The canary analysis's verdict on one step, as it is stored in the audit trail and carried by
 * the rollout notifications (paused, aborted): the single source of truth for its shape, shared
 * by the core that computes it (lib/domain/canaryAnalysis.ts) and the renderings that show it
 * (Slack, text, `baton status` and `baton history`). Numbers only, never NaN or Infinity (null).
 *
 * @example
 *   analysisVerdictSchema.parse(entry.evidence.analysis).rules[0].pValue; // 0.00075
 */
import * as z from 'zod/mini';

export const verdicts = ['pass', 'fail', 'inconclusive'] as const;

export const ruleVerdictSchema = z.object({
  metric: z.string(),
  outcome: z.enum(verdicts),
  reason: z.string(),
  /** Invocations (rates) or datapoints (other metrics) per variant; champion null when not compared. */
  samples: z.object({ challenger: z.number(), champion: z.nullable(z.number()) }),
  challenger: z.nullable(z.number()),
  champion: z.nullable(z.number()),
  test: z.nullable(z.enum(['two_proportion', 'mann_whitney'])),
  pValue: z.nullable(z.number()),
  /** Two-proportion only: the interval of challenger − champion at the rule's confidence. */
  interval: z.optional(z.tuple([z.number(), z.number()])),
  /** The rule's bound as people read it: `+0.005`, `×1.2`, `≥ 0.9`. */
  threshold: z.string(),
});

export const analysisVerdictSchema = z.object({
  outcome: z.enum(verdicts),
  /** One line: the failed rule with its numbers, or why it is inconclusive. */
  reason: z.string(),
  /** Where the numbers come from (null: no metrics source). */
  source: z.nullable(z.string()),
  /** Invocations of each variant in the window (champion null: none to compare with). */
  invocations: z.object({ challenger: z.number(), champion: z.nullable(z.number()) }),
  rules: z.array(ruleVerdictSchema),
  /** The step judged (1-based) and the extended bakes so far. */
  step: z.optional(z.number()),
  extensions: z.optional(z.number()),
});

export type RuleVerdict = z.infer<typeof ruleVerdictSchema>;
export type AnalysisVerdict = z.infer<typeof analysisVerdictSchema>;
