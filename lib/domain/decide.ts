/**
 * The lifecycle as one pure function: given what Baton remembers about a version, the event,
 * the model's policy and the facts read back from the registry, decide the next state, the
 * effects to apply and the audit entries to store with it. Ordered guard clauses, each with
 * its intent and an early return. No I/O, no clock: `now` is passed in.
 *
 * @example
 *   const { next, effects, audit } = decide(null, createdEvent, policy, { validation }, now);
 */
import {
  businessKey,
  type PromotionEvent,
  type RegistryEvent,
  RegistryEventKind,
} from '../../events/promotionEvent';
import { adoptRecordedState } from './adopt';
import { type AlertFacts, decideAlert, decideRollback } from './alerts';
import { decideApproval, decideDue, finishPromotion, startPromotion } from './approval';
import { resolveArtefact } from './artefact';
import { type CheckResult, recordableMetrics, runChecks, type ValidationFacts } from './checks';
import { durationMs } from './duration';
import type { Effect, Notification } from './effects';
import type { PeopleDirectory } from './people';
import { Phase, ValidationStatus } from './phases';
import type { Policy } from './policy';
import { type ChampionFacts, decideChampionChange } from './protectedChampion';
import { decideRolloutControl, type RolloutFacts, shiftsTraffic, startRollout } from './rollout';
import type { AuditEntry, VersionState } from './state';

export interface Facts extends RolloutFacts, AlertFacts {
  /** Who is who, from the people files; absent means nobody is known (every identity is its own person). */
  people?: PeopleDirectory;
  /** Read for a version that is to be validated; null when it no longer exists in the registry. */
  validation?: ValidationFacts | null;
  /** Which versions hold the champion and challenger aliases now (read for decisions). */
  aliases?: { champion: string | null; challenger: string | null };
  /** For a change of the champion alias: Baton's champion and the alias's holder now. */
  champion?: ChampionFacts;
}

export interface Decision {
  /** The state to store, or null when nothing changes. */
  next: VersionState | null;
  effects: Effect[];
  /** Stored in the same transaction as `next`. */
  audit: AuditEntry[];
  /** Store `next`, then decide again on it (a recorded intent to finish, e.g. a promotion). */
  again?: boolean;
}

const nothing: Decision = { next: null, effects: [], audit: [] };

/** Whether decide needs validation facts for this event (so the worker reads only what it needs). */
export function needsValidationFacts(
  state: VersionState | null,
  event: PromotionEvent,
  policy: Policy | undefined,
) {
  return (
    event.type === 'registry' &&
    event.kind === RegistryEventKind.ModelVersionCreated &&
    event.version !== undefined &&
    policy !== undefined &&
    (state === null || state.phase === Phase.Registered || state.phase === Phase.Unmanaged)
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

/** A `model_version_alias.*` event about the policy's champion alias. */
export function isChampionAliasEvent(
  event: PromotionEvent,
  policy: Policy | undefined,
): event is RegistryEvent {
  return (
    event.type === 'registry' &&
    (event.kind === RegistryEventKind.ModelVersionAliasCreated ||
      event.kind === RegistryEventKind.ModelVersionAliasDeleted) &&
    policy !== undefined &&
    event.alias === policy.aliases.champion
  );
}

export function decide(
  state: VersionState | null,
  event: PromotionEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision {
  // A recorded promotion is finished first, whatever event brought Baton back to the version.
  if (state?.phase === Phase.Promoting && policy)
    return finishPromotion(state, policy, businessKey(event), now);
  if (event.type === 'decision') return decideApproval(state, event, policy, facts, now);
  if (event.type === 'due') return decideDue(state, event, policy, facts, now);
  if (event.type === 'alert') return decideAlert(state, event, policy, facts, now);
  if (event.type === 'control') {
    return event.action === 'rollback'
      ? decideRollback(state, event, policy, facts, now)
      : decideRolloutControl(state, event, policy, facts, now);
  }
  return decideRegistryEvent(state, event, policy, facts, now);
}

function decideRegistryEvent(
  state: VersionState | null,
  event: RegistryEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision {
  const at = now.toISOString();
  const cause = businessKey(event);

  // The champion alias moved or vanished: Baton's own move changes nothing, anyone else's is recorded.
  if (isChampionAliasEvent(event, policy) && facts.champion) {
    return decideChampionChange(event, policy!, facts.champion, now);
  }

  // Only a new version starts the lifecycle; tag and alias echoes (often Baton's own writes) change nothing here.
  if (event.kind !== RegistryEventKind.ModelVersionCreated || event.version === undefined) return nothing;

  // Recorded unmanaged, and a policy now governs the model (a policy added while running): decide afresh.
  const newlyGoverned = state?.phase === Phase.Unmanaged && policy !== undefined;

  // Already decided: a redelivery, a retry with a new delivery id or a swept duplicate.
  if (state !== null && state.phase !== Phase.Registered && !newlyGoverned) return nothing;

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

  // Baton's tags already record a verdict Baton has no memory of (lost state): adopt it, write nothing.
  const adopted = adoptRecordedState({ ...event, version: event.version }, state, policy, validation, now);
  if (adopted) return adopted;

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
      : runChecks(policy.checks, validation, policy.aliases.champion);

  const passed = checks.every((c) => c.passed);
  const comparedWith = validation.champion?.version.version;
  const registeredBy = validation.version.userId ?? validation.run?.userId;
  const { model, version } = event as { model: string; version: string };
  // What a rollout will deploy, pinned with the verdict: later steps deploy exactly this.
  const artefact = resolveArtefact(policy, validation.version);
  const base = stateOf(event, state, now, {
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
      metrics: validation.run?.metrics ?? {},
      champion: validation.champion
        ? { version: validation.champion.version.version, metrics: validation.champion.run?.metrics ?? {} }
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
