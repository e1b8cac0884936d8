/**
 * Decisions while a validated challenger waits for people: approve, reject, the quorum, a request
 * that expired, and the rollout or promotion the quorum leads to (rolloutStart.ts, promotion.ts;
 * expiry itself is deadlines.ts). Pure, like decide(); each guard states its intent.
 *
 * @example
 *   decideApproval(state, decisionEvent, policy, { aliases }, now);
 */
import { businessKey, type DecisionEvent } from '../../events/promotionEvent';
import { AnswerOutcome, answerEvidence, answered, refusalEntry, refusalReply } from './answers';
import { expire } from './deadlines';
import type { Decision, Facts } from './decision';
import { advance, versionEntry } from './decision';
import type { Effect } from './effects';
import { approverFor, describePerson, emptyDirectory, personOf, samePerson } from './people';
import { Phase } from './phases';
import type { Policy } from './policy';
import { startPromotion } from './promotion';
import { startRollout } from './rolloutStart';
import { shiftsTraffic } from './rolloutSteps';
import type { VersionState } from './state';

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
      versionEntry(state, 'decision.refused', event.actor, businessKey(event), at, {
        decision: event.decision,
        reason,
        ...answerEvidence(event, AnswerOutcome.Refused, reason),
      }),
    ],
  };
}

/**
 * A person approves or rejects a validated challenger: only the policy's approvers, never the
 * person who registered it, one vote per person; at the quorum the canary starts or the promotion.
 *
 * @example
 *   decideApproval(state, { ...decisionEvent, decision: 'approve', actor: 'ana@example.com' }, policy, { aliases }, now);
 */
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
        versionEntry(state, 'approval.rejected', person.name, cause, at, {
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
  const entry = versionEntry(state, 'approval.recorded', person.name, cause, at, {
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
