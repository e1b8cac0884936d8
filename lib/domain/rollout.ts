/**
 * Canary rollouts in the pure core: an approved challenger is served beside the champion and
 * takes the policy's steps of traffic (10 % → 50 % → 100 %), each step baking for the policy's
 * bake time; before each step the watched alarms decide: any ALARM aborts, no data pauses (a
 * canary with no traffic proves nothing), all OK moves on. After the last step has baked, the
 * promotion is finished exactly as an approval without rollout would (approval.ts).
 *
 * One state per step: each decision moves at most one step, and its effects state the end result
 * (these weights), so a crash and redelivery converge without skipping or repeating a step.
 * There is one abort path (`abortRollout`), used by alarms, deadlines, alerts and people, and by a
 * version whose tags no longer resolve to the artefact pinned at approval (artefact.ts).
 *
 * @example
 *   const started = startRollout(state, policy, ['ana@example.com'], '6', { lease: null }, now);
 *   started.effects; // takeLease, shiftTraffic { '6': 90, '7': 10 }, tags, rollout.started notice
 */
import { businessKey, type ControlEvent } from '../../events/promotionEvent';
import { AnswerOutcome, answered, refusal } from './answers';
import { pinnedDrift, type VersionFiles } from './artefact';
import type { Decision } from './decide';
import { durationMs } from './duration';
import type { Effect } from './effects';
import { approverFor, emptyDirectory, type PeopleDirectory } from './people';
import { Phase } from './phases';
import type { Policy } from './policy';
import type { AuditEntry, VersionState } from './state';

type Rollout = NonNullable<VersionState['rollout']>;
type RolloutPolicy = NonNullable<Policy['rollout']>;

/** What a rollout decision reads from the world before deciding. */
export interface RolloutFacts {
  /** Who is who (the people files): an approver is recognised by any of their identities. */
  people?: PeopleDirectory;
  /** The version holding the model's rollout lease (null: free). */
  lease?: string | null;
  /** The version holding the champion alias now (read when a waiting rollout may start). */
  currentChampion?: string | null;
  /** The watched alarms' states, read just before the step decision. */
  alarms?: Array<{ name: string; state: string; reason?: string }>;
  /**
   * The version as the registry shows it now (null: deleted), read before a pinned version's next
   * traffic step: its artefact must still be the one approved (artefact.ts).
   */
  artefactNow?: VersionFiles | null;
}

const nothing: Decision = { next: null, effects: [], audit: [] };
/** How often a version waiting for the model's lease looks again. */
export const leaseRetryMs = 30_000;

function entry(state: VersionState, kind: string, actor: string, cause: string, at: string, evidence = {}) {
  return { at, model: state.model, version: state.version, kind, actor, cause, evidence } as AuditEntry;
}

function advance(state: VersionState, now: Date, fields: Partial<VersionState>): VersionState {
  return { ...state, revision: state.revision + 1, updatedAt: now.toISOString(), ...fields };
}

/** The weights of step `index`: the challenger's share, the champion the rest (alone when there is none). */
export function weightsAt(rollout: Rollout, version: string, steps: number[], index: number) {
  if (!rollout.champion) return { [version]: 100 };
  const share = steps[index]!;
  return { [rollout.champion]: 100 - share, [version]: share };
}

/** The index of the last step; a first version (no champion) has one step, straight to 100 %. */
export function lastStep(rollout: Rollout, steps: number[]): number {
  return rollout.champion ? steps.length - 1 : 0;
}

function describeWeights(weights: Record<string, number>): string {
  return Object.entries(weights)
    .map(([v, w]) => `v${v} ${w}%`)
    .join(' · ');
}

/** Whether the policy shifts traffic (a `none` endpoint has nothing to shift). */
export function shiftsTraffic(policy: Policy): policy is Policy & { rollout: RolloutPolicy } {
  return policy.rollout !== undefined && policy.rollout.endpoint.kind !== 'none';
}

function deadlineOf(policy: RolloutPolicy, now: Date): number {
  const span = policy.deadline
    ? durationMs(policy.deadline)
    : 3 * policy.steps.length * durationMs(policy.bakeTime);
  return now.getTime() + span;
}

/** Moves the live step to `index`: weights, tags, the next check after the bake time. */
function enterStep(
  state: VersionState,
  policy: Policy & { rollout: RolloutPolicy },
  rollout: Rollout,
  index: number,
  cause: string,
  now: Date,
  extra: { effects?: Effect[]; audit?: AuditEntry[]; evidence?: object } = {},
): Decision {
  const at = now.toISOString();
  const { steps, bakeTime, endpoint } = policy.rollout;
  const weights = weightsAt(rollout, state.version, steps, index);
  const last = lastStep(rollout, steps);
  const dueAt = Math.min(now.getTime() + durationMs(bakeTime), rollout.deadline);
  return {
    next: advance(state, now, {
      phase: Phase.RollingOut,
      dueAt,
      rollout: { ...rollout, step: index, weights, stepAt: at, paused: undefined, waitingFor: undefined },
    }),
    effects: [
      ...(extra.effects ?? []),
      {
        type: 'shiftTraffic',
        endpoint: endpoint.name!,
        kind: endpoint.kind,
        weights,
        // The version is deployed as approved, whatever its tags say by now.
        ...(state.artefact && { artefacts: { [state.version]: state.artefact } }),
      },
      {
        type: 'setTags',
        version: state.version,
        tags: {
          [policy.tags.phase]: Phase.RollingOut,
          'baton.rollout': `step ${index + 1} of ${last + 1}: ${describeWeights(weights)}`,
        },
      },
    ],
    audit: [
      ...(extra.audit ?? []),
      entry(state, 'rollout.step', 'baton', cause, at, {
        step: index + 1,
        of: last + 1,
        weights,
        nextCheckAt: new Date(dueAt).toISOString(),
        ...extra.evidence,
      }),
    ],
  };
}

/**
 * Starts the rollout of an approved version, or queues it behind the version that holds the
 * model's rollout lease (and, with `whileBusy: supersede`, asks that one to abort).
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
        ...(first ? [entry(state, 'rollout.waiting', 'baton', cause, at, { for: holder })] : []),
      ],
    };
  }

  // What would be deployed is no longer what was approved (tags changed since): stop before any traffic moves.
  const drift = pinnedDrift(policy, state.artefact, facts.artefactNow);
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

  const started = entry(state, 'rollout.started', approvedBy.join(', ') || 'baton', cause, at, {
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

/** The single abort path: traffic back on the champion, challenger alias removed, tagged, told. */
export function abortRollout(
  state: VersionState,
  policy: Policy,
  reason: string,
  actor: string,
  cause: string,
  now: Date,
  extra: { effects?: Effect[]; lease?: string | null } = {},
): Decision {
  const at = now.toISOString();
  const { model, version } = state;
  const rollout = state.rollout!;
  const restored = rollout.champion ? { [rollout.champion]: 100 } : rollout.weights;
  // A redelivered abort must not take the endpoint from a rollout that has taken the lease since.
  const endpointStillOurs = extra.lease === undefined || extra.lease === null || extra.lease === version;
  const touchedEndpoint = rollout.step >= 0 && rollout.champion !== null && endpointStillOurs;
  return {
    next: advance(state, now, {
      phase: Phase.Aborted,
      dueAt: undefined,
      rollout: { ...rollout, weights: restored, paused: undefined, waitingFor: undefined },
    }),
    effects: [
      // Traffic first: the champion serves again before anything else is written.
      ...(touchedEndpoint
        ? [
            {
              type: 'shiftTraffic',
              endpoint: rollout.endpoint,
              kind: rollout.kind,
              weights: restored,
            } as Effect,
          ]
        : []),
      { type: 'deleteAlias', alias: policy.aliases.challenger, version },
      {
        type: 'setTags',
        version,
        tags: {
          [policy.tags.phase]: Phase.Aborted,
          'baton.abort_reason': reason,
          'baton.aborted_by': actor,
          'baton.aborted_at': at,
        },
      },
      { type: 'releaseLease', version },
      {
        type: 'notify',
        notification: {
          kind: 'rollout.aborted',
          model,
          version,
          endpoint: rollout.endpoint,
          reason,
          by: actor,
          champion: rollout.champion,
          idempotencyKey: `aborted:${model}:${version}`,
        },
      },
      ...(extra.effects ?? []),
    ],
    audit: [
      entry(state, 'rollout.aborted', actor, cause, at, {
        reason,
        step: rollout.step + 1,
        weightsBefore: rollout.weights,
        weightsAfter: restored,
      }),
    ],
  };
}

function pause(
  state: VersionState,
  reason: string,
  by: string,
  cause: string,
  now: Date,
  effects: Effect[] = [],
): Decision {
  const rollout = state.rollout!;
  const at = now.toISOString();
  return {
    // Paused, the only deadline left is the rollout's own: a stalled rollout is aborted.
    next: advance(state, now, {
      dueAt: rollout.deadline,
      rollout: { ...rollout, paused: { reason, by, at } },
    }),
    effects: [
      ...effects,
      {
        type: 'notify',
        notification: {
          kind: 'rollout.paused',
          model: state.model,
          version: state.version,
          endpoint: rollout.endpoint,
          reason,
          by,
          weights: rollout.weights,
          idempotencyKey: `paused:${state.model}:${state.version}:${at}`,
        },
      },
    ],
    audit: [entry(state, 'rollout.paused', by, cause, at, { reason, step: rollout.step + 1 })],
  };
}

/** Finishes the rollout: the promotion intent is recorded and approval.ts's finishPromotion completes it. */
function promote(
  state: VersionState,
  cause: string,
  actor: string,
  now: Date,
  extra: { effects?: Effect[]; evidence?: object } = {},
): Decision {
  const rollout = state.rollout!;
  const at = now.toISOString();
  return {
    next: advance(state, now, {
      phase: Phase.Promoting,
      dueAt: undefined,
      promotion: { previousChampion: rollout.champion, approvedBy: rollout.approvedBy, startedAt: at },
    }),
    effects: extra.effects ?? [],
    audit: [
      entry(state, 'rollout.completed', actor, cause, at, {
        steps: rollout.step + 1,
        weights: rollout.weights,
        ...extra.evidence,
      }),
    ],
    again: true,
  };
}

/**
 * The check before the next step: alarms first (ALARM aborts; no data pauses unless a person
 * vouched for it by resuming), then the next step, or the promotion after the last one.
 */
function check(
  state: VersionState,
  policy: Policy & { rollout: RolloutPolicy },
  facts: RolloutFacts,
  cause: string,
  now: Date,
  vouchedBy?: string,
  effects: Effect[] = [],
): Decision {
  const rollout = state.rollout!;
  // Every watched alarm must be reported; one that is not counts as no data (fail safe).
  const reported = new Map((facts.alarms ?? []).map((a) => [a.name, a]));
  const alarms = rollout.alarms.map((name) => reported.get(name) ?? { name, state: 'MISSING' });
  const alarmed = alarms.filter((a) => a.state === 'ALARM');
  const evidence = { alarms: alarms.map((a) => ({ name: a.name, state: a.state })) };

  // The registry's tags changed after approval: what would be deployed is not what was approved; abort.
  const drift = pinnedDrift(policy, state.artefact, facts.artefactNow);
  if (drift !== null) {
    return abortRollout(state, policy, drift, 'baton', cause, now, { effects, lease: facts.lease });
  }

  // A watched alarm fires: abort.
  if (alarmed.length > 0) {
    const reason = alarmed
      .map((a) => `alarm ${a.name} is ALARM${a.reason ? ` (${a.reason})` : ''}`)
      .join('; ');
    return abortRollout(state, policy, reason, 'baton', cause, now, { effects, lease: facts.lease });
  }

  // No data: a canary with no traffic proves nothing; pause and ask people, unless one just vouched.
  const silent = alarms.filter((a) => a.state !== 'OK');
  if (silent.length > 0 && vouchedBy === undefined) {
    const names = silent.map((a) => `${a.name} (${a.state})`).join(', ');
    return pause(
      state,
      `no data from ${names}: the step is not proven healthy`,
      'baton',
      cause,
      now,
      effects,
    );
  }

  // The last step baked cleanly: promote.
  if (rollout.step >= lastStep(rollout, policy.rollout.steps)) {
    return promote(state, cause, vouchedBy ?? 'baton', now, { effects, evidence });
  }

  // Healthy: the next step.
  return enterStep(state, policy, rollout, rollout.step + 1, cause, now, {
    effects,
    evidence: { ...evidence, ...(vouchedBy && silent.length > 0 && { noDataAcceptedBy: vouchedBy }) },
  });
}

/** A deadline from the DueIndex for a rollout: the next check, a lease retry, the deadline, the cleanup. */
export function decideRolloutDue(
  state: VersionState,
  policy: Policy,
  facts: RolloutFacts,
  cause: string,
  now: Date,
): Decision {
  const rollout = state.rollout;
  if (!rollout || !shiftsTraffic(policy)) return nothing;

  // After promotion: the previous champion's variant has served its termination wait.
  if (state.phase === Phase.Promoted && rollout.cleanupAt !== undefined) {
    return {
      next: advance(state, now, { dueAt: undefined, rollout: { ...rollout, cleanupAt: undefined } }),
      effects: [
        { type: 'finaliseEndpoint', endpoint: rollout.endpoint, kind: rollout.kind, version: state.version },
      ],
      audit: [
        entry(state, 'rollout.finalised', 'baton', cause, now.toISOString(), { endpoint: rollout.endpoint }),
      ],
    };
  }
  if (state.phase !== Phase.RollingOut) return nothing;

  // Stalled past its deadline (paused, waiting or stuck): abort.
  if (now.getTime() >= rollout.deadline) {
    return abortRollout(state, policy, 'the rollout passed its deadline', 'baton', cause, now, {
      lease: facts.lease,
    });
  }

  // Waiting for another version's rollout: try the lease again (the champion may have changed meanwhile).
  if (rollout.waitingFor !== undefined) {
    const champion = facts.currentChampion === undefined ? rollout.champion : facts.currentChampion;
    return startRollout(
      state,
      policy,
      rollout.approvedBy,
      champion === state.version ? null : champion,
      facts,
      cause,
      now,
    );
  }

  // Paused: only a person moves it on.
  if (rollout.paused) return nothing;

  return check(state, policy, facts, cause, now);
}

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
            audit: [entry(state, 'rollout.resumed', event.actor, cause, now.toISOString())],
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
      const drift = pinnedDrift(policy, state.artefact, facts.artefactNow);
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
