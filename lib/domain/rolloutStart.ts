/**
 * Starting a canary rollout: an approved version takes the model's rollout lease, or waits behind
 * the version holding it (and, with `whileBusy: supersede`, asks that one to abort). Before any
 * traffic moves, the version's tags must still resolve to the artefact pinned at approval
 * (artefact.ts); if they do not, the rollout stops through the one abort path.
 *
 * @example
 *   const started = startRollout(state, policy, ['ana@example.com'], '6', { lease: null }, cause, now);
 *   started.effects; // takeLease, shiftTraffic { '6': 90, '7': 10 }, tags, rollout.started notice
 */
import { pinnedDrift } from './artefact';
import type { Decision, RolloutFacts } from './decision';
import { advance, versionEntry } from './decision';
import { durationMs } from './duration';
import type { Effect } from './effects';
import { Phase } from './phases';
import type { Policy } from './policy';
import { abortRollout } from './rolloutAbort';
import { enterStep, type Rollout, type RolloutPolicy } from './rolloutSteps';
import type { AuditEntry, VersionState } from './state';

/** How often a version waiting for the model's lease looks again. */
const leaseRetryMs = 30_000;

function deadlineOf(policy: RolloutPolicy, now: Date): number {
  const span = policy.deadline
    ? durationMs(policy.deadline)
    : 3 * policy.steps.length * durationMs(policy.bakeTime);
  return now.getTime() + span;
}

/**
 * Starts the rollout of an approved version, or queues it behind the version that holds the
 * model's rollout lease (and, with `whileBusy: supersede`, asks that one to abort).
 *
 * @example
 *   startRollout(state, policy, ['ana@example.com'], '6', { lease: '5' }, cause, now).next?.rollout?.waitingFor; // '5'
 */
export function startRollout(
  state: VersionState,
  policy: Policy & { rollout: RolloutPolicy },
  approvedBy: string[],
  champion: string | null,
  facts: RolloutFacts,
  cause: string,
  now: Date,
  extra: { effects?: Effect[]; audit?: AuditEntry[] } = {},
): Decision {
  const at = now.toISOString();
  const { model, version } = state;
  const rollout: Rollout = state.rollout ?? {
    endpoint: policy.rollout.endpoint.name!,
    kind: policy.rollout.endpoint.kind,
    champion,
    approvedBy,
    startedAt: at,
    step: -1,
    weights: {},
    deadline: deadlineOf(policy.rollout, now),
    alarms: policy.rollout.abortOnAlarms,
  };
  const holder = facts.lease ?? null;

  // Another version of the model is rolling out: wait for its lease (superseding it if the policy says so).
  if (holder !== null && holder !== version) {
    const supersede: Effect[] =
      policy.rollout.whileBusy === 'supersede' && rollout.waitingFor !== holder
        ? [
            {
              type: 'enqueue',
              event: {
                type: 'control',
                model,
                version: holder,
                action: 'abort',
                actor: 'baton',
                via: 'cli',
                reason: `superseded by v${version}`,
                deliveryId: `supersede:${model}:${holder}:${version}`,
                receivedAt: at,
              },
            },
          ]
        : [];
    const first = rollout.waitingFor !== holder;
    return {
      next: advance(state, now, {
        phase: Phase.RollingOut,
        dueAt: now.getTime() + leaseRetryMs,
        rollout: { ...rollout, waitingFor: holder },
      }),
      effects: [...(extra.effects ?? []), ...supersede],
      audit: [
        ...(extra.audit ?? []),
        ...(first ? [versionEntry(state, 'rollout.waiting', 'baton', cause, at, { for: holder })] : []),
      ],
    };
  }

  // What would be deployed is no longer what was approved (tags changed since): stop before any traffic moves.
  const drift = pinnedDrift(policy, state.artefact, facts.artefactNow, facts.artefactSpec);
  if (drift !== null) {
    // The approval stands on record; the person who completed it is told why nothing rolls out.
    const told = (extra.effects ?? []).map((e) =>
      e.type === 'respond' ? { ...e, text: `Approved, but not rolled out: ${drift}.` } : e,
    );
    const aborted = abortRollout({ ...state, rollout }, policy, drift, 'baton', cause, now, {
      effects: told,
      lease: facts.lease,
    });
    return { ...aborted, audit: [...(extra.audit ?? []), ...aborted.audit] };
  }

  const started = versionEntry(state, 'rollout.started', approvedBy.join(', ') || 'baton', cause, at, {
    endpoint: rollout.endpoint,
    champion,
    steps: policy.rollout.steps,
    bakeTime: policy.rollout.bakeTime,
    alarms: rollout.alarms,
    deadline: new Date(rollout.deadline).toISOString(),
    ...(state.artefact && { artefact: state.artefact }),
  });
  // Starting now (perhaps after waiting): against the champion of now, with the full deadline ahead.
  const live: Rollout = { ...rollout, champion, deadline: deadlineOf(policy.rollout, now) };
  const decision = enterStep(state, policy, live, 0, cause, now, {
    effects: [...(extra.effects ?? []), { type: 'takeLease', version }],
    audit: [...(extra.audit ?? []), started],
  });
  decision.effects.push({
    type: 'notify',
    notification: {
      kind: 'rollout.started',
      model,
      version,
      endpoint: rollout.endpoint,
      champion,
      steps: policy.rollout.steps,
      weights: decision.next!.rollout!.weights,
      approvedBy,
      idempotencyKey: `rollout:${model}:${version}`,
    },
  });
  return decision;
}
