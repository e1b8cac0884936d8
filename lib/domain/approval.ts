/**
 * Decisions while a validated challenger waits for people: approve, reject, quorum, expiry, and
 * the promotion they lead to. Pure, like decide(); each guard states its intent.
 *
 * @example
 *   decideApproval(state, decisionEvent, policy, { aliases }, now);
 */
import type { DecisionEvent, DueEvent } from '../../events/promotionEvent';
import { businessKey } from '../../events/promotionEvent';
import type { Decision, Facts } from './decide';
import { durationMs } from './duration';
import type { Effect } from './effects';
import { Phase } from './phases';
import type { Policy } from './policy';
import { decideRolloutDue, shiftsTraffic, startRollout } from './rollout';
import type { AuditEntry, VersionState } from './state';

const nothing: Decision = { next: null, effects: [], audit: [] };

function sameActor(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
}

function audit(
  state: VersionState,
  kind: string,
  actor: string,
  cause: string,
  at: string,
  evidence = {},
): AuditEntry {
  return { at, model: state.model, version: state.version, kind, actor, cause, evidence };
}

function advance(state: VersionState, now: Date, fields: Partial<VersionState>): VersionState {
  return { ...state, revision: state.revision + 1, updatedAt: now.toISOString(), ...fields };
}

/** A refused decision: recorded with its reason, and told to the person who made it. */
function refuse(state: VersionState | null, event: DecisionEvent, reason: string, now: Date): Decision {
  const effects: Effect[] = event.responseUrl
    ? [{ type: 'respond', url: event.responseUrl, text: `Not recorded: ${reason}`, replace: false }]
    : [];
  if (!state) return { next: null, effects, audit: [] };
  const at = now.toISOString();
  return {
    next: advance(state, now, {}),
    effects,
    audit: [
      audit(state, 'decision.refused', event.actor, businessKey(event), at, {
        decision: event.decision,
        reason,
      }),
    ],
  };
}

/** Closes a request nobody answered in time: tags, challenger removed, people told. */
export function expire(state: VersionState, policy: Policy, cause: string, now: Date): Decision {
  const { model, version } = state;
  return {
    next: advance(state, now, { phase: Phase.Expired, dueAt: undefined }),
    effects: [
      { type: 'setTags', version, tags: { [policy.tags.phase]: Phase.Expired } },
      { type: 'deleteAlias', alias: policy.aliases.challenger, version },
      {
        type: 'notify',
        notification: {
          kind: 'approval.expired',
          model,
          version,
          idempotencyKey: `expired:${model}:${version}`,
        },
      },
    ],
    audit: [
      audit(state, 'approval.expired', 'baton', cause, now.toISOString(), { expiresAt: state.expiresAt }),
    ],
  };
}

/** Records the promotion's intent (who approved, which champion is replaced) before any alias moves. */
export function startPromotion(
  state: VersionState,
  approvedBy: string[],
  previousChampion: string | null,
  now: Date,
  extra: { audit?: AuditEntry[]; effects?: Effect[] } = {},
): Decision {
  return {
    next: advance(state, now, {
      phase: Phase.Promoting,
      dueAt: undefined,
      promotion: { previousChampion, approvedBy, startedAt: now.toISOString() },
    }),
    effects: extra.effects ?? [],
    audit: extra.audit ?? [],
    again: true,
  };
}

/** Finishes a recorded promotion: archive, champion, challenger, tags, notice. Safe to repeat. */
export function finishPromotion(state: VersionState, policy: Policy, cause: string, now: Date): Decision {
  const { model, version } = state;
  const { previousChampion, approvedBy } = state.promotion!;
  const { aliases, tags } = policy;
  const at = now.toISOString();
  const rollout = state.rollout;
  // After a canary: the old variant stays for the termination wait, so a rollback is a weight change.
  const cleanupAt =
    rollout?.champion && policy.rollout
      ? now.getTime() + durationMs(policy.rollout.terminationWait)
      : undefined;
  const effects: Effect[] = [
    // The endpoint serves the new champion alone before the alias says so.
    ...(rollout
      ? [
          {
            type: 'shiftTraffic',
            endpoint: rollout.endpoint,
            kind: rollout.kind,
            weights: { [version]: 100 },
          } as Effect,
        ]
      : []),
    // The rollback target first: a crash now leaves the old champion serving, never a gap.
    ...(previousChampion
      ? [{ type: 'setAlias', alias: aliases.archive, version: previousChampion } as Effect]
      : []),
    { type: 'setAlias', alias: aliases.champion, version },
    { type: 'recordChampion', version },
    { type: 'deleteAlias', alias: aliases.challenger, version },
    {
      type: 'setTags',
      version,
      tags: {
        [tags.phase]: Phase.Promoted,
        'baton.approved_by': approvedBy.join(', ') || 'policy (no approval required)',
        'baton.promoted_at': at,
      },
    },
    ...(previousChampion
      ? ([
          { type: 'setTags', version: previousChampion, tags: { [tags.phase]: Phase.Archived } },
          { type: 'recordPhase', version: previousChampion, phase: Phase.Archived },
        ] as Effect[])
      : []),
    ...(rollout ? [{ type: 'releaseLease', version } as Effect] : []),
    {
      type: 'notify',
      notification: {
        kind: 'promotion.completed',
        model,
        version,
        previousChampion,
        approvedBy,
        idempotencyKey: `promoted:${model}:${version}`,
      },
    },
  ];
  return {
    next: advance(state, now, {
      phase: Phase.Promoted,
      dueAt: cleanupAt,
      ...(rollout && { rollout: { ...rollout, weights: { [version]: 100 }, cleanupAt, paused: undefined } }),
    }),
    effects,
    audit: [
      audit(state, 'promotion.completed', approvedBy.join(', ') || 'baton', cause, at, {
        previousChampion,
        approvedBy,
      }),
    ],
  };
}

export function decideApproval(
  state: VersionState | null,
  event: DecisionEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision {
  const cause = businessKey(event);
  const approval = policy?.approval;

  // Only a version waiting for approval can be approved or rejected.
  if (!state || state.phase !== Phase.AwaitingApproval || !policy || !approval) {
    const phase = state?.phase ?? 'unknown to Baton';
    return refuse(
      state,
      event,
      `${event.model} v${event.version} is not waiting for approval (it is ${phase})`,
      now,
    );
  }

  // A newer version took the challenger alias while this one waited: it is superseded.
  const challenger = facts.aliases?.challenger ?? null;
  if (challenger !== state.version) {
    const refused = refuse(state, event, `v${state.version} was superseded by v${challenger ?? '?'}`, now);
    return {
      ...refused,
      next: advance(state, now, { phase: Phase.Superseded, dueAt: undefined }),
      effects: [
        ...refused.effects,
        { type: 'setTags', version: state.version, tags: { [policy.tags.phase]: Phase.Superseded } },
      ],
    };
  }

  // Too late: the request has expired.
  if (state.expiresAt && now.getTime() >= Date.parse(state.expiresAt)) {
    const expired = expire(state, policy, cause, now);
    const refused = refuse(state, event, 'the approval request has expired', now);
    return { ...expired, effects: [...expired.effects, ...refused.effects] };
  }

  // Only the people the policy names may decide.
  if (!approval.approvers.some((a) => sameActor(a, event.actor))) {
    return refuse(state, event, `${event.actor} is not an approver for ${state.model}`, now);
  }

  // Nobody approves their own model.
  if (
    approval.forbidSelfApproval &&
    event.decision === 'approve' &&
    sameActor(event.actor, state.registeredBy)
  ) {
    return refuse(state, event, `${event.actor} registered v${state.version} and cannot approve it`, now);
  }

  const at = now.toISOString();
  const respond = (text: string, replace = false): Effect[] =>
    event.responseUrl ? [{ type: 'respond', url: event.responseUrl, text, replace }] : [];

  // A rejection ends the request.
  if (event.decision === 'reject') {
    const { model, version } = state;
    return {
      next: advance(state, now, { phase: Phase.Rejected, dueAt: undefined, rejectedBy: event.actor }),
      effects: [
        {
          type: 'setTags',
          version,
          tags: { [policy.tags.phase]: Phase.Rejected, 'baton.rejected_by': event.actor },
        },
        { type: 'deleteAlias', alias: policy.aliases.challenger, version },
        {
          type: 'notify',
          notification: {
            kind: 'approval.rejected',
            model,
            version,
            by: event.actor,
            reason: event.reason,
            idempotencyKey: `rejected:${model}:${version}`,
          },
        },
        ...respond(`Rejected by ${event.actor}: ${model} v${version} will not be promoted.`, true),
      ],
      audit: [
        audit(state, 'approval.rejected', event.actor, cause, at, {
          reason: event.reason ?? null,
          via: event.via,
        }),
      ],
    };
  }

  // The same person approving twice counts once.
  const approvals = state.approvals ?? [];
  if (approvals.some((a) => sameActor(a.by, event.actor))) {
    return {
      next: null,
      effects: respond(`${event.actor} had already approved v${state.version}.`),
      audit: [],
    };
  }

  const recorded = [...approvals, { by: event.actor, at, via: event.via }];
  const entry = audit(state, 'approval.recorded', event.actor, cause, at, {
    via: event.via,
    count: recorded.length,
  });

  // Short of the quorum: record it and wait for the next person.
  if (recorded.length < approval.minApprovals) {
    return {
      next: advance(state, now, { approvals: recorded }),
      effects: respond(
        `Approved by ${event.actor} (${recorded.length} of ${approval.minApprovals}); waiting for more approvers.`,
      ),
      audit: [entry],
    };
  }

  // Quorum with a canary policy: the rollout starts (or waits for the model's running one).
  const champion = facts.aliases?.champion ?? null;
  const approvedBy = recorded.map((a) => a.by);
  if (shiftsTraffic(policy)) {
    return startRollout(
      { ...state, approvals: recorded },
      policy,
      approvedBy,
      champion === state.version ? null : champion,
      facts,
      cause,
      now,
      {
        audit: [entry],
        effects: respond(
          `Approved by ${approvedBy.join(', ')}: rolling v${state.version} out in canary steps.`,
          true,
        ),
      },
    );
  }

  // Quorum: record the promotion's intent, then finish it.
  return startPromotion(
    { ...state, approvals: recorded },
    recorded.map((a) => a.by),
    champion === state.version ? null : champion,
    now,
    {
      audit: [entry],
      effects: respond(
        `Approved by ${recorded.map((a) => a.by).join(', ')}: promoting v${state.version} to champion.`,
        true,
      ),
    },
  );
}

/** A deadline from the DueIndex: the approval request's expiry, or a rollout's next check. */
export function decideDue(
  state: VersionState | null,
  event: DueEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision {
  // A stale sweep: the deadline moved or was cleared since the tick read it.
  if (!state || !policy || state.dueAt !== event.dueAt || now.getTime() < event.dueAt) return nothing;
  // Nobody decided in time.
  if (state.phase === Phase.AwaitingApproval) return expire(state, policy, businessKey(event), now);
  // A rollout's bake time, lease retry, deadline or cleanup.
  if (state.rollout) return decideRolloutDue(state, policy, facts, businessKey(event), now);
  return nothing;
}
