/**
 * Environments: when a version passes here (validated, or champion here when the policy says
 * `when: approved`), its exact binary is copied to the policy's `promote.copyTo` model and registry,
 * and the source gets the environment's alias (`staging`: "latest passed in this environment").
 * A person may ask for the same copy by hand (`baton promote … --to ENV`), under the same rules:
 * an approver of this policy, a version that passed its checks. Pure: it only adds effects and
 * audit entries to what decide() decided; lib/app/copyVersion.ts carries the copy out.
 *
 * @example
 *   withCopyRequest(previous, decision, policy, now).effects.at(-1); // { type: 'copyVersion', model: 'prod.models.fraud', … }
 */
import { businessKey, type ControlEvent } from '../../events/promotionEvent';
import { AnswerOutcome, answered, refusal } from './answers';
import type { Decision, Facts } from './decision';
import { versionEntry } from './decision';
import type { Effect } from './effects';
import { approverFor, describePerson, emptyDirectory, personOf } from './people';
import { Phase } from './phases';
import type { Policy } from './policy';
import type { AuditEntry, VersionState } from './state';

/** Where a copy goes, in words: `prod.models.fraud in registry prod`. */
export function copyTarget(policy: Policy): string {
  const to = policy.promote!.copyTo;
  return `${to.model}${to.registry ? ` in registry ${to.registry}` : ''}`;
}

/** The alias and the copy effect for a version that passed here, with the audit entry asking for it. */
function copyRequest(
  state: VersionState,
  policy: Policy,
  approvedBy: string[],
  actor: string,
  cause: string,
  at: string,
): { effects: Effect[]; entry: AuditEntry } {
  const promote = policy.promote!;
  return {
    effects: [
      { type: 'setAlias', alias: promote.alias, version: state.version },
      {
        type: 'copyVersion',
        version: state.version,
        registry: promote.copyTo.registry,
        model: promote.copyTo.model,
        approvedBy,
      },
    ],
    entry: versionEntry(state, 'copy.requested', actor, cause, at, {
      to: { registry: promote.copyTo.registry ?? null, model: promote.copyTo.model },
      when: promote.when,
      approvedBy,
    }),
  };
}

/**
 * Adds the copy to a decision in which the version passes here the way `promote.when` asks: a
 * fresh passing verdict (`validated`), or becoming champion here (`approved`). Anything else is
 * returned unchanged, so decisions of policies without `promote` are untouched.
 *
 * @example
 *   withCopyRequest(promotingState, finishPromotion(promotingState, policy, cause, now), policy, now);
 */
export function withCopyRequest(
  previous: VersionState | null,
  decision: Decision,
  policy: Policy | undefined,
  now: Date,
): Decision {
  const next = decision.next;
  const promote = policy?.promote;
  // No environment to promote to, or nothing stored: nothing to add.
  if (!policy || !promote || !next) return decision;
  const verdict = decision.audit.find((e) => e.kind === 'validation.passed');
  // `validated`: the checks passed in this very decision.
  const passedNow = promote.when === 'validated' && verdict !== undefined;
  // `approved`: the version became champion here in this decision (approved, or no approval needed).
  const championNow =
    promote.when === 'approved' && next.phase === Phase.Promoted && previous?.phase !== Phase.Promoted;
  if (!passedNow && !championNow) return decision;
  const approvedBy = passedNow ? [] : (next.promotion?.approvedBy ?? []);
  const cause = verdict?.cause ?? decision.audit[0]?.cause ?? `copy:${next.model}:${next.version}`;
  const { effects, entry } = copyRequest(next, policy, approvedBy, 'baton', cause, now.toISOString());
  return { ...decision, effects: [...decision.effects, ...effects], audit: [...decision.audit, entry] };
}

/**
 * `baton promote MODEL VERSION --to ENV --as WHO`: the copy by hand, for an approver of this
 * policy, of a version whose checks passed, to the environment the policy names.
 *
 * @example
 *   decideCopyByHand(state, copyEvent, policy, { people }, now).effects.at(-1)?.type; // 'copyVersion'
 */
export function decideCopyByHand(
  state: VersionState | null,
  event: ControlEvent,
  policy: Policy | undefined,
  facts: Facts,
  now: Date,
): Decision {
  const subject = `${event.model} v${event.version ?? '?'}`;
  const promote = policy?.promote;
  // Only a policy that names another environment can promote to one.
  if (!policy || !promote)
    return refusal(event, `the policy of ${event.model} names no environment to promote to`, now);
  const environment = promote.copyTo.registry ?? promote.copyTo.model;
  // The environment asked for must be the policy's.
  if (event.environment && ![promote.copyTo.registry, promote.copyTo.model].includes(event.environment))
    return refusal(event, `${event.model} promotes only to ${environment}, not to ${event.environment}`, now);
  // Only a version whose checks passed here may leave.
  const passed = state?.checks?.length ? state.checks.every((c) => c.passed) : false;
  if (!state || !passed || state.phase === Phase.FailedValidation)
    return refusal(
      event,
      `${subject} has not passed validation (it is ${state?.phase ?? 'unknown to Baton'})`,
      now,
    );
  // Only the policy's approvers may send it on, by any of their identities.
  const people = facts.people ?? emptyDirectory;
  const person = approverFor(people, policy.approval?.approvers ?? [], event.actor);
  if (!person) {
    const who = describePerson(personOf(people, event.actor), event.actor);
    return refusal(event, `${who} is not an approver of ${event.model}`, now);
  }
  const at = now.toISOString();
  const { effects, entry } = copyRequest(state, policy, [person.name], person.name, businessKey(event), at);
  const decision: Decision = {
    next: { ...state, revision: state.revision + 1, updatedAt: at },
    effects,
    audit: [{ ...entry, evidence: { ...entry.evidence, via: event.via, identity: event.actor } }],
  };
  const message = `copying ${subject} to ${copyTarget(policy)} (asked by ${person.name})`;
  return answered(decision, event, AnswerOutcome.Applied, message, now);
}
