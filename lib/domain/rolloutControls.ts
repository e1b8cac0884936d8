/**
 * People steering a running canary (`baton rollout pause|resume|abort|promote`, Slack buttons):
 * whatever lowers risk (pause, abort) anyone authenticated may do; whatever raises exposure
 * (resume, promote now) needs one of the policy's approvers. Every answer is recorded and told.
 *
 * @example
 *   decideRolloutControl(state, pauseEvent, policy, { people, lease: '7' }, now).next?.rollout?.paused;
 */
import { businessKey, type ControlEvent } from '../../events/promotionEvent';
import { AnswerOutcome, answered, refusal } from './answers';
import { pinnedDrift } from './artefact';
import type { Decision, RolloutFacts } from './decision';
import { versionEntry } from './decision';
import type { Effect } from './effects';
import { approverFor, emptyDirectory, type PeopleDirectory } from './people';
import { Phase } from './phases';
import type { Policy } from './policy';
import { abortRollout } from './rolloutAbort';
import { check, pause } from './rolloutCheck';
import { startRollout } from './rolloutStart';
import { promote, shiftsTraffic } from './rolloutSteps';
import type { VersionState } from './state';

/**
 * Whether `actor` (any identity of a person) is one of the policy's approvers.
 *
 * @example
 *   isApprover(policy, 'alice@acme.io', people); // true when the policy lists alice or U0ALICE
 */
export function isApprover(policy: Policy, actor: string, people: PeopleDirectory = emptyDirectory): boolean {
  return approverFor(people, policy.approval?.approvers ?? [], actor) !== undefined;
}

/**
 * A person steers a rollout. Whatever lowers risk (pause, abort) anyone authenticated may do;
 * whatever raises exposure (resume, promote now) needs one of the policy's approvers.
 *
 * @example
 *   decideRolloutControl(state, { ...control, action: 'abort', actor: 'ana@example.com' }, policy, facts, now);
 */
export function decideRolloutControl(
  state: VersionState | null,
  event: ControlEvent,
  policy: Policy | undefined,
  facts: RolloutFacts,
  now: Date,
): Decision {
  const cause = businessKey(event);
  const answer = (text: string, replace = false): Effect[] =>
    event.responseUrl ? [{ type: 'respond', url: event.responseUrl, text, replace }] : [];
  // A refusal is recorded in the model's audit and told to the person; whatever is done is answered too.
  const refuse = (text: string): Decision => refusal(event, text, now);
  const applied = (decision: Decision, message: string): Decision =>
    answered(decision, event, AnswerOutcome.Applied, message, now);

  // Only a running rollout can be steered.
  if (!state || !policy || !shiftsTraffic(policy) || state.phase !== Phase.RollingOut || !state.rollout) {
    const other = facts.lease ?? null;
    return refuse(
      other !== null && other !== event.version
        ? `${event.model} v${event.version ?? '?'} is not rolling out (it is ${state?.phase ?? 'unknown to Baton'}); v${other} is`
        : `${event.model} has no rollout running`,
    );
  }
  const rollout = state.rollout;
  const which = `the rollout of ${state.model} v${state.version}`;
  const reason = event.reason ?? `${event.action} by ${event.actor}`;

  // Resuming or promoting now raises exposure: approvers only.
  if (
    (event.action === 'resume' || event.action === 'promote') &&
    !isApprover(policy, event.actor, facts.people)
  ) {
    return refuse(`${event.actor} is not an approver of ${state.model}`);
  }

  switch (event.action) {
    case 'abort': {
      const aborted = abortRollout(state, policy, reason, event.actor, cause, now, {
        lease: facts.lease,
        effects: answer(`Aborted by ${event.actor}: v${rollout.champion ?? '?'} serves 100 % again.`, true),
      });
      return applied(aborted, `aborted ${which}: v${rollout.champion ?? '?'} serves 100 % again`);
    }
    case 'pause':
      if (rollout.paused) return refuse(`the rollout of v${state.version} is already paused`);
      return applied(
        pause(state, reason, event.actor, cause, now, answer(`Paused by ${event.actor}.`)),
        `paused ${which}`,
      );
    case 'resume': {
      if (!rollout.paused) return refuse(`the rollout of v${state.version} is not paused`);
      // Fix: paused while waiting for the lease, it goes back to waiting; stepping here would shift
      // traffic on an endpoint another version's canary holds (only startRollout takes the lease).
      if (rollout.waitingFor !== undefined) {
        const waits = startRollout(
          { ...state, rollout: { ...rollout, paused: undefined } },
          policy,
          rollout.approvedBy,
          rollout.champion,
          facts,
          cause,
          now,
          {
            effects: answer(`Resumed by ${event.actor}.`),
            audit: [versionEntry(state, 'rollout.resumed', event.actor, cause, now.toISOString())],
          },
        );
        return applied(waits, `resumed ${which}: it waits for v${rollout.waitingFor}`);
      }
      const resumed = check(
        state,
        policy,
        facts,
        cause,
        now,
        event.actor,
        answer(`Resumed by ${event.actor}.`),
      );
      // The step check may end the rollout at once: say so rather than only "resumed".
      const then = resumed.next?.phase;
      return applied(
        resumed,
        then && then !== Phase.RollingOut ? `resumed ${which}, which is now ${then}` : `resumed ${which}`,
      );
    }
    case 'promote': {
      // Fix: a rollout still waiting for the lease has not started; the endpoint is another canary's.
      if (rollout.step < 0) {
        return refuse(
          `the rollout of v${state.version} has not started: it waits for v${rollout.waitingFor ?? '?'}`,
        );
      }
      // Its tags changed after approval: no more exposure for an artefact nobody approved; stop it.
      const drift = pinnedDrift(policy, state.artefact, facts.artefactNow, facts.artefactSpec);
      if (drift !== null) {
        const aborted = abortRollout(state, policy, drift, 'baton', cause, now, {
          lease: facts.lease,
          effects: answer(`Not promoted: ${drift}. The rollout is aborted.`, true),
        });
        return answered(
          aborted,
          event,
          AnswerOutcome.Refused,
          `not promoted: ${drift}; the rollout is aborted`,
          now,
        );
      }
      const promoted = promote(state, cause, event.actor, now, {
        effects: [
          {
            type: 'shiftTraffic',
            endpoint: rollout.endpoint,
            kind: rollout.kind,
            weights: { [state.version]: 100 },
            ...(state.artefact && { artefacts: { [state.version]: state.artefact } }),
          },
          ...answer(`Promoted now by ${event.actor}: v${state.version} takes all traffic.`, true),
        ],
        evidence: { skippedSteps: true, reason },
      });
      return applied(promoted, `promoted ${state.model} v${state.version} now: it takes all traffic`);
    }
    default:
      return refuse(`${event.action} does not apply to a rollout`);
  }
}
