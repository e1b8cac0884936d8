/**
 * Decisions while a validated challenger waits for people: approve, reject, quorum, expiry, and
 * the promotion they lead to. Pure, like decide(); each guard states its intent.
 *
 * @example
 *   decideApproval(state, decisionEvent, policy, { aliases }, now);
 */
import type { DecisionEvent, DueEvent } from '../../events/promotionEvent';
import { businessKey } from '../../events/promotionEvent';
import { AnswerOutcome, answerEvidence, answered, refusalEntry, refusalReply } from './answers';
import type { Decision, Facts } from './decide';
import { durationMs } from './duration';
import type { Effect } from './effects';
import { approverFor, describePerson, emptyDirectory, personOf, samePerson } from './people';
import { Phase } from './phases';
import type { Policy } from './policy';
import { decideRolloutDue, shiftsTraffic, startRollout } from './rollout';
import type { AuditEntry, VersionState } from './state';

const nothing: Decision = { next: null, effects: [], audit: [] };

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

/**
 * A refused decision: recorded with its reason and delivery id (in the model's audit when Baton
 * has no record of the version), and told to the person who made it.
 */
function refuse(state: VersionState | null, event: DecisionEvent, reason: string, now: Date): Decision {
  const effects = refusalReply(event, `Not recorded: ${reason}`);
  if (!state)
    return {
      next: null,
      effects: [{ type: 'audit', entry: refusalEntry(event, reason, now) }, ...effects],
      audit: [],
    };
  const at = now.toISOString();
  return {
    next: advance(state, now, {}),
    effects,
    audit: [
      audit(state, 'decision.refused', event.actor, businessKey(event), at, {
        decision: event.decision,
        reason,
        ...answerEvidence(event, AnswerOutcome.Refused, reason),
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
    return {
      ...expired,
      effects: [...expired.effects, ...refused.effects],
      audit: [...expired.audit, ...refused.audit],
    };
  }

  // Only the people the policy names may decide, by whichever of their identities they act.
  const people = facts.people ?? emptyDirectory;
  const person = approverFor(people, approval.approvers, event.actor);
  const who = describePerson(person ?? personOf(people, event.actor), event.actor);
  if (!person) return refuse(state, event, `${who} is not an approver of ${state.model}`, now);

  // Nobody approves their own model, under any of their identities.
  if (
    approval.forbidSelfApproval &&
    event.decision === 'approve' &&
    samePerson(people, event.actor, state.registeredBy)
  ) {
    return refuse(state, event, `${who} registered v${state.version} and cannot approve it`, now);
  }

  const at = now.toISOString();
  const respond = (text: string, replace = false): Effect[] =>
    event.responseUrl ? [{ type: 'respond', url: event.responseUrl, text, replace }] : [];

  // A rejection ends the request; the record names the person.
  if (event.decision === 'reject') {
    const { model, version } = state;
    const rejected: Decision = {
      next: advance(state, now, { phase: Phase.Rejected, dueAt: undefined, rejectedBy: person.name }),
      effects: [
        {
          type: 'setTags',
          version,
          tags: { [policy.tags.phase]: Phase.Rejected, 'baton.rejected_by': person.name },
        },
        { type: 'deleteAlias', alias: policy.aliases.challenger, version },
        {
          type: 'notify',
          notification: {
            kind: 'approval.rejected',
            model,
            version,
            by: person.name,
            reason: event.reason,
            idempotencyKey: `rejected:${model}:${version}`,
          },
        },
        ...respond(`Rejected by ${person.name}: ${model} v${version} will not be promoted.`, true),
      ],
      audit: [
        audit(state, 'approval.rejected', person.name, cause, at, {
          identity: event.actor,
          reason: event.reason ?? null,
          via: event.via,
        }),
      ],
    };
    const message = `rejected by ${person.name}: ${model} v${version} will not be promoted`;
    return answered(rejected, event, AnswerOutcome.Applied, message, now);
  }

  // The same person approving twice, through any channel and identity, counts once.
  const approvals = state.approvals ?? [];
  if (approvals.some((a) => samePerson(people, a.by, person.name))) {
    const again: Decision = {
      next: null,
      effects: respond(`${person.name} had already approved v${state.version}.`),
      audit: [],
    };
    const message = `${person.name} has already approved ${state.model} v${state.version} (it counts once)`;
    return answered(again, event, AnswerOutcome.Refused, message, now);
  }

  const recorded = [...approvals, { by: person.name, identity: event.actor, at, via: event.via }];
  const entry = audit(state, 'approval.recorded', person.name, cause, at, {
    identity: event.actor,
    via: event.via,
    count: recorded.length,
  });

  const counted = `approved by ${person.name} (${recorded.length} of ${approval.minApprovals})`;

  // Short of the quorum: record it and wait for the next person.
  if (recorded.length < approval.minApprovals) {
    const waits: Decision = {
      next: advance(state, now, { approvals: recorded }),
      effects: respond(
        `Approved by ${person.name} (${recorded.length} of ${approval.minApprovals}); waiting for more approvers.`,
      ),
      audit: [entry],
    };
    return answered(waits, event, AnswerOutcome.Applied, counted, now);
  }

  // Quorum with a canary policy: the rollout starts (or waits for the model's running one).
  const champion = facts.aliases?.champion ?? null;
  const approvedBy = recorded.map((a) => a.by);
  if (shiftsTraffic(policy)) {
    const rolling = startRollout(
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
    const message = `${counted}: rolling ${state.model} v${state.version} out in canary steps`;
    return answered(rolling, event, AnswerOutcome.Applied, message, now);
  }

  // Quorum: record the promotion's intent, then finish it.
  const promoting = startPromotion(
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
  const message = `${counted}: promoting ${state.model} v${state.version} to champion`;
  return answered(promoting, event, AnswerOutcome.Applied, message, now);
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
