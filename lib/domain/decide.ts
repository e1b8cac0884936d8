/**
 * The lifecycle as one pure function: given what Baton remembers about a version, the event,
 * the model's policy and the facts read back from the registry, decide the next state, the
 * effects to apply and the audit entries to store with it. Ordered guard clauses, each with
 * its intent and an early return. No I/O, no clock: `now` is passed in.
 *
 * @example
 *   const { next, effects, audit } = decide(null, createdEvent, policy, { validation }, now);
 */
import { businessKey, type RegistryEvent, RegistryEventKind } from '../../events/promotionEvent';
import { type CheckResult, runChecks, type ValidationFacts } from './checks';
import type { Effect } from './effects';
import { Phase, ValidationStatus } from './phases';
import type { Policy } from './policy';
import type { AuditEntry, VersionState } from './state';

export interface Facts {
  /** Read for a version that is to be validated; null when it no longer exists in the registry. */
  validation?: ValidationFacts | null;
}

export interface Decision {
  /** The state to store, or null when nothing changes. */
  next: VersionState | null;
  effects: Effect[];
  /** Stored in the same transaction as `next`. */
  audit: AuditEntry[];
}

const nothing: Decision = { next: null, effects: [], audit: [] };

/** Whether decide needs validation facts for this event (so the worker reads only what it needs). */
export function needsValidationFacts(
  state: VersionState | null,
  event: RegistryEvent,
  policy: Policy | undefined,
) {
  return (
    event.kind === RegistryEventKind.ModelVersionCreated &&
    event.version !== undefined &&
    policy !== undefined &&
    (state === null || state.phase === Phase.Registered)
  );
}

function stateOf(
  event: RegistryEvent,
  previous: VersionState | null,
  now: Date,
  fields: Partial<VersionState>,
) {
  return {
    model: event.model,
    version: event.version!,
    phase: Phase.Registered,
    revision: (previous?.revision ?? 0) + 1,
    updatedAt: now.toISOString(),
    ...fields,
  } as VersionState;
}

function verdictEffects(
  policy: Policy,
  facts: ValidationFacts,
  checks: CheckResult[],
  passed: boolean,
): Effect[] {
  const { tags, aliases } = policy;
  const version = facts.version.version;
  const failed = checks.filter((c) => !c.passed);
  const detail: Record<string, string> = Object.fromEntries(
    checks.map((c) => [`${tags.checkPrefix}${c.id}`, `${c.passed ? 'PASS' : 'FAIL'}: ${c.reason}`]),
  );
  if (!passed) detail[tags.reasons] = failed.map((c) => c.reason).join('; ');
  detail[tags.phase] = passed ? Phase.Validated : Phase.FailedValidation;
  return [
    { type: 'setTag', version, key: tags.validationStatus, value: ValidationStatus.Pending },
    { type: 'setTags', version, tags: detail },
    ...(passed ? [{ type: 'setAlias', alias: aliases.challenger, version } as Effect] : []),
    // The verdict is the last registry write: whoever sees PASSED also sees the alias and every tag.
    {
      type: 'setTag',
      version,
      key: tags.validationStatus,
      value: passed ? ValidationStatus.Passed : ValidationStatus.Failed,
    },
    {
      type: 'notify',
      notification: {
        kind: passed ? 'validation.passed' : 'validation.failed',
        model: facts.version.name,
        version,
        checks,
        idempotencyKey: `validation:${facts.version.name}:${version}`,
        runId: facts.version.runId,
        registeredBy: facts.version.userId,
      },
    },
  ];
}

export function decide(
  state: VersionState | null,
  event: RegistryEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision {
  const at = now.toISOString();
  const cause = businessKey(event);

  // Only a new version starts the lifecycle; tag and alias echoes (often Baton's own writes) change nothing here.
  if (event.kind !== RegistryEventKind.ModelVersionCreated || event.version === undefined) return nothing;

  // Already decided: a redelivery, a retry with a new delivery id or a swept duplicate.
  if (state !== null && state.phase !== Phase.Registered) return nothing;

  // No policy covers the model: record it as unmanaged and leave the registry alone.
  if (policy === undefined) {
    return {
      next: stateOf(event, state, now, { phase: Phase.Unmanaged }),
      effects: [],
      audit: [
        {
          at,
          model: event.model,
          version: event.version,
          kind: 'unmanaged',
          actor: 'baton',
          cause,
          evidence: {},
        },
      ],
    };
  }

  // The version was deleted before Baton got to it: nothing to validate.
  const validation = facts.validation;
  if (!validation) return nothing;

  // Still registering: try again later rather than fail a version that is not there yet.
  if (validation.version.status === 'PENDING_REGISTRATION') {
    return {
      next: null,
      effects: [{ type: 'retryLater', reason: 'version is PENDING_REGISTRATION' }],
      audit: [],
    };
  }

  // Registration failed: there is no model to validate.
  const checks: CheckResult[] =
    validation.version.status === 'FAILED_REGISTRATION'
      ? [{ id: 'registration', passed: false, reason: 'the registry reports FAILED_REGISTRATION' }]
      : runChecks(policy.checks, validation);

  // Every check passed → validated and challenger; otherwise failed with the reasons.
  const passed = checks.every((c) => c.passed);
  const comparedWith = validation.champion?.version.version;
  return {
    next: stateOf(event, state, now, {
      phase: passed ? Phase.Validated : Phase.FailedValidation,
      checks,
      ...(comparedWith !== undefined && { comparedWith }),
    }),
    effects: verdictEffects(policy, validation, checks, passed),
    audit: [
      {
        at,
        model: event.model,
        version: event.version,
        kind: passed ? 'validation.passed' : 'validation.failed',
        actor: 'baton',
        cause,
        evidence: {
          checks,
          runId: validation.version.runId ?? null,
          metrics: validation.run?.metrics ?? {},
          champion: comparedWith ?? null,
          championMetrics: validation.champion?.run?.metrics ?? null,
        },
      },
    ],
  };
}
