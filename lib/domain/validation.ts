/**
 * The verdict on a newly registered version: the policy's checks run on the facts read back from
 * the registry, the artefact a rollout will deploy is pinned, and the registry is written in an
 * order whoever reads it can trust (PENDING, the checks' tags, the alias, the verdict last). Then
 * the version fails, waits for approvers, starts its canary, is promoted, or stays validated.
 *
 * @example
 *   decideVerdict(null, createdEvent, policy, validationFacts, facts, now).next?.phase; // 'validated'
 */
import { businessKey, type RegistryEvent } from '../../events/promotionEvent';
import { resolveArtefact } from './artefact';
import { type CheckResult, recordableMetrics, runChecks, type ValidationFacts } from './checks';

/**
 * The metrics a message can carry: JSON has no NaN or Infinity (they would arrive as null and the
 * message would be refused), and the checks listed beside them already say which value was not a number.
 */
function finiteMetrics(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v)));
}

import type { Decision, Facts } from './decision';
import { durationMs } from './duration';
import type { Effect, Notification } from './effects';
import { Phase, ValidationStatus } from './phases';
import type { Policy } from './policy';
import { startPromotion } from './promotion';
import { startRollout } from './rolloutStart';
import { shiftsTraffic } from './rolloutSteps';
import type { AuditEntry, VersionState } from './state';

/**
 * The record of a registered version after this decision (the next revision), in `fields`' phase.
 *
 * @example
 *   registeredState(event, null, now, { phase: Phase.Unmanaged }).revision; // 1
 */
export function registeredState(
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
  phase: Phase,
  notification: Notification,
): Effect[] {
  const { tags, aliases } = policy;
  const version = facts.version.version;
  const failed = checks.filter((c) => !c.passed);
  const detail: Record<string, string> = Object.fromEntries(
    checks.map((c) => [`${tags.checkPrefix}${c.id}`, `${c.passed ? 'PASS' : 'FAIL'}: ${c.reason}`]),
  );
  if (!passed) detail[tags.reasons] = failed.map((c) => c.reason).join('; ');
  detail[tags.phase] = phase;
  return [
    { type: 'setTag', version, key: tags.validationStatus, value: ValidationStatus.Pending },
    // The entry alias marks every registered version at once, whatever its verdict will be.
    ...(aliases.entry && facts.version.status !== 'FAILED_REGISTRATION'
      ? [{ type: 'setAlias', alias: aliases.entry, version } as Effect]
      : []),
    { type: 'setTags', version, tags: detail },
    ...(passed ? [{ type: 'setAlias', alias: aliases.challenger, version } as Effect] : []),
    // The verdict is the last registry write: whoever sees PASSED also sees the alias and every tag.
    {
      type: 'setTag',
      version,
      key: tags.validationStatus,
      value: passed ? ValidationStatus.Passed : ValidationStatus.Failed,
    },
    { type: 'notify', notification },
  ];
}

/** Registry version numbers are integers; anything else compares as text. */
function isNewerVersion(version: string, than: string): boolean {
  const [a, b] = [Number(version), Number(than)];
  return Number.isFinite(a) && Number.isFinite(b) ? a > b : version > than;
}

/**
 * The checks' verdict on a version the registry holds, and everything it leads to.
 *
 * @example
 *   decideVerdict(state, createdEvent, policy, { version, run, champion: null }, { lease: null }, now);
 */
export function decideVerdict(
  state: VersionState | null,
  event: RegistryEvent,
  policy: Policy,
  validation: ValidationFacts,
  facts: Facts,
  now: Date,
): Decision {
  const at = now.toISOString();
  const cause = businessKey(event);

  // Registration failed: there is no model to validate.
  const checks: CheckResult[] =
    validation.version.status === 'FAILED_REGISTRATION'
      ? [{ id: 'registration', passed: false, reason: 'the registry reports FAILED_REGISTRATION' }]
      : runChecks(policy.checks, validation, policy.aliases.champion);

  const passed = checks.every((c) => c.passed);
  const comparedWith = validation.champion?.version.version;
  const registeredBy = validation.version.userId ?? validation.run?.userId;
  const { model, version } = event as { model: string; version: string };
  // What a rollout will deploy, pinned with the verdict: later steps deploy exactly this.
  const artefact = facts.artefactSpec && resolveArtefact(facts.artefactSpec, policy, validation.version);
  const base = registeredState(event, state, now, {
    checks,
    artefact,
    ...(comparedWith !== undefined && { comparedWith }),
    ...(registeredBy !== undefined && { registeredBy }),
  });
  const verdict: AuditEntry = {
    at,
    model,
    version,
    kind: passed ? 'validation.passed' : 'validation.failed',
    actor: 'baton',
    cause,
    evidence: {
      checks,
      runId: validation.version.runId ?? null,
      // NaN and Infinity are spelled out: the audit store holds finite numbers only.
      metrics: recordableMetrics(validation.run?.metrics ?? {}),
      champion: comparedWith ?? null,
      championMetrics: validation.champion?.run ? recordableMetrics(validation.champion.run.metrics) : null,
      artefact,
    },
  };
  const about = { model, version, runId: validation.version.runId, registeredBy };
  const verdictNotice = (kind: 'validation.passed' | 'validation.failed'): Notification => ({
    kind,
    ...about,
    checks,
    idempotencyKey: `validation:${model}:${version}`,
  });

  // A check failed: FAILED with the reasons, no alias.
  if (!passed) {
    return {
      next: { ...base, phase: Phase.FailedValidation },
      effects: verdictEffects(
        policy,
        validation,
        checks,
        false,
        Phase.FailedValidation,
        verdictNotice('validation.failed'),
      ),
      audit: [verdict],
    };
  }

  // Passed and people must approve: challenger, and a request to the approvers that expires.
  const approval = policy.approval;
  if (approval?.required) {
    const expires = now.getTime() + durationMs(approval.expiresAfter);
    const request: Notification = {
      kind: 'approval.requested',
      ...about,
      checks,
      metrics: finiteMetrics(validation.run?.metrics ?? {}),
      champion: validation.champion
        ? {
            version: validation.champion.version.version,
            metrics: finiteMetrics(validation.champion.run?.metrics ?? {}),
          }
        : null,
      approvers: approval.approvers,
      minApprovals: approval.minApprovals,
      expiresAt: new Date(expires).toISOString(),
      artefact,
      idempotencyKey: `approval:${model}:${version}`,
    };
    return {
      next: {
        ...base,
        phase: Phase.AwaitingApproval,
        approvals: [],
        expiresAt: request.expiresAt,
        dueAt: expires,
      },
      effects: verdictEffects(policy, validation, checks, true, Phase.AwaitingApproval, request),
      audit: [
        verdict,
        {
          ...verdict,
          kind: 'approval.requested',
          evidence: { approvers: approval.approvers, expiresAt: request.expiresAt, artefact },
        },
      ],
    };
  }

  const effects = verdictEffects(
    policy,
    validation,
    checks,
    true,
    Phase.Validated,
    verdictNotice('validation.passed'),
  );
  const validated: VersionState = { ...base, phase: Phase.Validated };

  // Passed, but not newer than the champion (a replay, or a sweep after lost state): only a fresh
  // decision moves champion, so it stays validated and leaves every alias where it is.
  const champion = comparedWith ?? null;
  if (approval && !approval.required && champion !== null && !isNewerVersion(version, champion)) {
    const held = `v${version} is not newer than champion v${champion}: not promoted automatically (approve or roll back to it by hand)`;
    return {
      next: validated,
      effects: effects.filter((e) => !(e.type === 'setAlias' && e.alias === policy.aliases.challenger)),
      audit: [verdict, { ...verdict, kind: 'promotion.skipped', evidence: { reason: held, champion } }],
    };
  }

  // Passed, and the policy needs no approval: the canary starts (when the policy shifts traffic)…
  if (approval && !approval.required && shiftsTraffic(policy)) {
    return startRollout(
      { ...validated, revision: validated.revision - 1 },
      policy,
      [],
      champion === version ? null : champion,
      facts,
      cause,
      now,
      { effects, audit: [verdict] },
    );
  }

  // …or the intent is recorded, then the aliases move.
  if (approval && !approval.required) {
    // startPromotion advances the revision it is given; give it the one this decision read.
    return startPromotion(
      { ...validated, revision: validated.revision - 1 },
      [],
      champion === version ? null : champion,
      now,
      {
        effects,
        audit: [verdict],
      },
    );
  }

  // Passed; promotion is left to people (no approval section in the policy).
  return { next: validated, effects, audit: [verdict] };
}
