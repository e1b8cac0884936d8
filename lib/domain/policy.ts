/**
 * The promotion policy of a registered model: the single source of truth for what a policy file
 * in policies/ may say. Unknown keys are errors, so a typo never silently disables a check.
 *
 * The serving kinds are not known here (each is an adapter, registered in lib/wiring/catalog.ts):
 * `policySchemaFor(kinds)` checks rollout.endpoint.kind against them, and lib/wiring/policySchema.ts
 * binds it to the catalog's keys for every reader of policies.
 *
 * @example
 *   const policy = policySchemaFor(['sagemaker', 'databricks', 'none']).parse(YAML.parse(text));
 *   policy.checks.compareToChampion; // { metric: 'val_logloss', lowerIsBetter: true, tolerance: 0.002 }
 */
import * as z from 'zod/mini';
import { analysisSchema } from './analysisPolicy';
import { durationPattern } from './duration';
import { runStatuses } from './registryFacts';

const name = z.string().check(z.minLength(1), z.maxLength(250));
const duration = z.string().check(z.regex(durationPattern, 'expected a duration such as 30m, 6h or 3d'));

const bounds = { name, min: z.optional(z.number()), max: z.optional(z.number()) };
const hasBound = z.refine<{ min?: number; max?: number }>(
  (t) => t.min !== undefined || t.max !== undefined,
  'give min, max or both',
);
const threshold = z.strictObject(bounds).check(hasBound);

/** A comparison with the version holding an alias: worse than it by more than the tolerance fails. */
const comparison = {
  metric: name,
  lowerIsBetter: z._default(z.boolean(), true),
  tolerance: z._default(z.number().check(z.gte(0)), 0),
};

const checksSchema = z
  .strictObject({
    /** Tags every version must carry (e.g. git_sha, training_data_timestamp). */
    requiredTags: z._default(z.array(name), []),
    /** The version must have a non-empty description. */
    requireDescription: z._default(z.boolean(), false),
    /** The run that produced the version must have one of these statuses; [] skips the check. */
    runStatus: z._default(z.array(z.enum(runStatuses)), ['FINISHED']),
    /** Absolute bounds on the run's metrics. */
    metrics: z._default(z.array(threshold), []),
    /** Compare with the version holding `alias` (default: the champion alias); none holding it passes. */
    compareTo: z.optional(z.strictObject({ alias: z.optional(name), ...comparison })),
    /** The same as `compareTo` without an alias: kept for policies written before compareTo. */
    compareToChampion: z.optional(z.strictObject(comparison)),
    /**
     * A fixed floor: used while the model has no champion yet, and on every version when `always`
     * is true, so tolerance cannot compound from one promotion to the next.
     */
    baseline: z.optional(
      z.strictObject({ ...bounds, always: z._default(z.boolean(), false) }).check(hasBound),
    ),
  })
  .check(
    z.refine((c) => !(c.compareTo && c.compareToChampion), {
      message: 'give compareTo or compareToChampion, not both',
      path: ['compareToChampion'],
    }),
  );

const approvalSchema = z.strictObject({
  required: z._default(z.boolean(), true),
  /** Slack user ids or e-mail addresses. */
  approvers: z._default(z.array(name), []),
  minApprovals: z._default(z.int().check(z.gte(1)), 1),
  forbidSelfApproval: z._default(z.boolean(), true),
  expiresAfter: z._default(duration, '72h'),
});

/** rollout.endpoint, its `kind` checked by `kind` (any name here; the catalog's kinds in policySchemaFor). */
const endpointSchema = (kind: z.ZodMiniType<string>) =>
  z
    .strictObject({
      /** One of the serving kinds: the keys of lib/wiring/servingKinds.ts's servingCatalog. */
      kind,
      /** The serving endpoint; required unless kind is `none`. */
      name: z.optional(name),
      /** SageMaker: the inference image (a version's `sagemaker.image` tag overrides it). */
      image: z.optional(name),
      /** SageMaker: the execution role of the models Baton creates. */
      executionRoleArn: z.optional(name),
      /** SageMaker instance type or Databricks workload size. */
      instanceType: z.optional(name),
      instanceCount: z.optional(z.int().check(z.gte(1))),
    })
    .check(
      z.refine((e) => e.kind === 'none' || e.name !== undefined, 'name the endpoint (or use kind: none)'),
    );

const rolloutSchema = z.strictObject({
  endpoint: endpointSchema(name),
  /** The challenger's share of traffic at each step, in percent, increasing, ending at 100. */
  steps: z.array(z.int().check(z.gte(1), z.lte(100))).check(
    z.minLength(1),
    z.refine((s) => s.every((w, i) => i === 0 || w > s[i - 1]!), 'steps must increase'),
    z.refine((s) => s.length === 0 || s[s.length - 1] === 100, 'the last step must be 100'),
  ),
  /** How long each step must stay healthy before the next. */
  bakeTime: z._default(duration, '30m'),
  /** CloudWatch alarms read before each step: ALARM aborts, no data pauses. */
  abortOnAlarms: z._default(z.array(name), []),
  /** A rollout not finished this long after it started is aborted (default: 3 × steps × bakeTime). */
  deadline: z.optional(duration),
  /** How long the previous champion's variant stays on the endpoint after promotion (fast rollback). */
  terminationWait: z._default(duration, '1h'),
  /** An approved version while another rollout of the model runs: wait for it, or abort it. */
  whileBusy: z._default(z.enum(['wait', 'supersede']), 'wait'),
  /** Challenger-vs-champion analysis before each step (analysisPolicy.ts): fail aborts, inconclusive extends then pauses. */
  analysis: z.optional(analysisSchema),
});

const alertRuleSchema = z.strictObject({
  match: z.strictObject({
    alarm: z.optional(name),
    labels: z.optional(z.record(z.string(), z.string())),
    endpoint: z.optional(name),
    variant: z.optional(name),
  }),
  action: z.enum(['rollback', 'abort', 'retrain', 'notify']),
});

/**
 * Where retraining requests go. The retrain target kinds are declared here, once: each variant's
 * `kind` literal is a kind's name, its other keys that kind's settings; lib/wiring/catalog.ts holds
 * one adapter factory per kind.
 */
const retrainTargetSchema = z.union([
  z.strictObject({ kind: z.literal('http'), url: z.url() }),
  z.strictObject({ kind: z.literal('sqs'), queueUrl: z.url() }),
  z.strictObject({ kind: z.literal('databricks-job'), jobId: z.union([z.string(), z.int()]) }),
]);
export type RetrainTarget = z.infer<typeof retrainTargetSchema>;
export type RetrainTargetKind = RetrainTarget['kind'];
export const retrainTargetKinds: readonly RetrainTargetKind[] = retrainTargetSchema.def.options.map(
  (variant) => variant.shape.kind.def.values[0]!,
);

const retrainSchema = z.strictObject({
  target: retrainTargetSchema,
  /** At most one retraining request per model in this window. */
  cooldown: z._default(duration, '6h'),
  /** Only when the alert fired in at least `firing` of the last `windows` windows of `window` (drift that persists). */
  require: z.optional(
    z.strictObject({
      firing: z.int().check(z.gte(1)),
      windows: z.int().check(z.gte(1)),
      window: duration,
    }),
  ),
});

/**
 * Environments: the version's exact binary is copied into another model, in this registry or
 * another one named in the stage's settings (REGISTRIES), once it passes here (copyDecision.ts).
 */
const promoteSchema = z.strictObject({
  copyTo: z.strictObject({
    /** A registry named in the stage's REGISTRIES setting; omitted: the registry Baton listens to. */
    registry: z.optional(name),
    /** The destination registered model (created when missing). */
    model: name,
  }),
  /** `validated`: as soon as the checks pass; `approved`: once it is champion here (approved, or no approval needed). */
  when: z._default(z.enum(['validated', 'approved']), 'approved'),
  /** Set on the source version when it passes here: "latest passed in this environment". */
  alias: z._default(name, 'staging'),
});
export type PromotePolicy = z.infer<typeof promoteSchema>;

const policySchema = z.strictObject({
  /** An exact registered-model name, or a glob (`fraud-*`). */
  model: name,
  description: z.optional(z.string()),
  checks: z._default(checksSchema, {
    requiredTags: [],
    requireDescription: false,
    runStatus: ['FINISHED'],
    metrics: [],
  }),
  approval: z.optional(approvalSchema),
  rollout: z.optional(rolloutSchema),
  onAlert: z._default(z.array(alertRuleSchema), []),
  retrain: z.optional(retrainSchema),
  /** Copy the version's exact binary to another environment when it passes here (copyDecision.ts). */
  promote: z.optional(promoteSchema),
  /**
   * A change of the champion alias that Baton did not make is always recorded and announced;
   * `revert` also puts Baton's champion back.
   */
  protectChampion: z._default(z.enum(['record', 'revert']), 'record'),
  aliases: z._default(
    z
      .strictObject({
        challenger: z._default(name, 'challenger'),
        champion: z._default(name, 'champion'),
        archive: z._default(name, 'archive'),
        /** Set on every version as soon as it is registered, before its checks run (e.g. `smoke`). */
        entry: z.optional(name),
      })
      .check(
        z.refine((a) => a.entry === undefined || ![a.challenger, a.champion, a.archive].includes(a.entry), {
          message: 'the entry alias must differ from the challenger, champion and archive aliases',
          path: ['entry'],
        }),
      ),
    { challenger: 'challenger', champion: 'champion', archive: 'archive' },
  ),
  tags: z._default(
    z.strictObject({
      /** PENDING | PASSED | FAILED */
      validationStatus: name,
      /** One tag per check: `<checkPrefix><check id>`. */
      checkPrefix: name,
      /** The failed checks' reasons, set when validation fails. */
      reasons: name,
      /** Baton's lifecycle phase for the version. */
      phase: name,
    }),
    {
      validationStatus: 'validation_status',
      checkPrefix: 'baton.check.',
      reasons: 'validation_reasons',
      phase: 'baton.phase',
    },
  ),
});

export type Policy = z.infer<typeof policySchema>;

/**
 * The policy schema whose rollout.endpoint.kind must be one of `kinds` (refused as `expected one
 * of sagemaker, databricks, none, got "k8s"`). Only lib/wiring/policySchema.ts calls it, with the
 * catalog's keys, so a serving kind is declared by its catalog entry alone.
 *
 * @example
 *   policySchemaFor(['sagemaker', 'none']).safeParse({ model: 'a', rollout: { endpoint: { kind: 'k8s' }, steps: [100] } }).success; // false
 */
export function policySchemaFor(kinds: readonly [string, ...string[]]) {
  const rollout = z.extend(rolloutSchema, { endpoint: endpointSchema(z.enum(kinds)) });
  return z.extend(policySchema, { rollout: z.optional(rollout) });
}
export type PolicySchema = ReturnType<typeof policySchemaFor>;
export type MetricThreshold = z.infer<typeof threshold>;
