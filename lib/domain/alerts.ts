/**
 * Monitoring alerts in the pure core: which model and action an alert concerns (the policies'
 * onAlert rules), and what Baton does about it — abort a running canary (rollout.ts's single
 * abort path), roll a hurting champion back to the archive version, request retraining with a
 * cooldown, or just tell people. `resolved` never acts; one alert episode acts once.
 *
 * @example
 *   routeAlert(alert, ['fraud-detector'], policyFor); // [{ model: 'fraud-detector', action: 'rollback', rule: 0 }]
 *   decideAlert(championState, routedEvent, policy, { alertActed: false, rollbackTarget }, now);
 */
import {
  type AlertEvent,
  businessKey,
  type ControlEvent,
  type MonitoringAlert,
} from '../../events/promotionEvent';
import { AnswerOutcome, answered, refusal } from './answers';
import type { Decision } from './decide';
import { durationMs } from './duration';
import type { Effect } from './effects';
import type { PeopleDirectory } from './people';
import { Phase } from './phases';
import type { Policy } from './policy';
import { abortRollout, isApprover, shiftsTraffic } from './rollout';
import type { AuditEntry, VersionState } from './state';

export type AlertAction = 'rollback' | 'abort' | 'retrain' | 'notify';

export interface AlertFacts {
  /** Who is who (the people files): an approver is recognised by any of their identities. */
  people?: PeopleDirectory;
  /** The version holding the model's rollout lease (null: free). */
  lease?: string | null;
  /** This alert episode (fingerprint + start) was already acted on for the model. */
  alertActed?: boolean;
  /** When retraining was last requested for the model (ISO 8601), for the cooldown. */
  lastRetrainAt?: string | null;
  /** Start times (ms) of this alert's firing episodes seen recently, for the "N of M windows" rule. */
  recentFirings?: number[];
  /** The version a rollback would return to, with Baton's record of it (null: no such version). */
  rollbackTarget?: { version: string; state: VersionState | null } | null;
}

/** A rollback never returns to a version that failed validation, was rolled back, or Baton never vetted. */
const unsafeTargets: ReadonlySet<string> = new Set([
  Phase.Registered,
  Phase.FailedValidation,
  Phase.RolledBack,
  Phase.Rejected,
  Phase.Aborted,
  Phase.Unmanaged,
]);

const nothing: Decision = { next: null, effects: [], audit: [] };

/** `*` matches any run of characters; everything else literally. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${source}$`).test(value);
}

/** The first onAlert rule of the policy that the alert satisfies (every criterion given must hold). */
export function matchRule(policy: Policy, alert: MonitoringAlert): number {
  return policy.onAlert.findIndex(({ match }) => {
    const criteria = [
      match.alarm === undefined || globMatches(match.alarm, alert.name),
      match.endpoint === undefined || match.endpoint === alert.endpoint,
      match.variant === undefined || match.variant === alert.variant,
      match.labels === undefined || Object.entries(match.labels).every(([k, v]) => alert.labels[k] === v),
    ];
    // Fix: `labels: {}` states no criterion; counted as one, it made the rule match every alert.
    const anyGiven =
      [match.alarm, match.endpoint, match.variant].some((v) => v !== undefined) ||
      Object.keys(match.labels ?? {}).length > 0;
    return anyGiven && criteria.every(Boolean);
  });
}

/**
 * The models an alert concerns and what to do for each: the model it names, else every model
 * Baton knows whose policy has a matching rule. An empty list: recorded and acknowledged.
 */
export function routeAlert(
  alert: MonitoringAlert,
  knownModels: readonly string[],
  policyFor: (model: string) => Policy | undefined,
): Array<{ model: string; action: AlertAction; rule: number }> {
  const candidates = alert.model ? [alert.model] : [...new Set(knownModels)];
  const routes: Array<{ model: string; action: AlertAction; rule: number }> = [];
  for (const model of candidates) {
    const policy = policyFor(model);
    if (!policy) continue;
    const rule = matchRule(policy, alert);
    if (rule >= 0) routes.push({ model, action: policy.onAlert[rule]!.action, rule });
  }
  return routes;
}

/** The identity of one alert episode: repeats of it (Alertmanager's repeat_interval, SNS redelivery) act once. */
export function episodeKey(alert: MonitoringAlert): string {
  return `${alert.source}:${alert.fingerprint}:${alert.at}`;
}

function entry(
  model: string,
  version: string | undefined,
  kind: string,
  actor: string,
  cause: string,
  at: string,
  evidence: Record<string, unknown>,
): AuditEntry {
  return { at, model, ...(version !== undefined && { version }), kind, actor, cause, evidence };
}

function advance(state: VersionState, now: Date, fields: Partial<VersionState>): VersionState {
  return { ...state, revision: state.revision + 1, updatedAt: now.toISOString(), ...fields };
}

/** Whether retraining may run now: past the cooldown and, when the policy asks, persistent drift. */
function retrainAllowed(policy: Policy, facts: AlertFacts, now: Date): string | null {
  const retrain = policy.retrain!;
  const last = facts.lastRetrainAt ? Date.parse(facts.lastRetrainAt) : null;
  if (last !== null && now.getTime() - last < durationMs(retrain.cooldown)) {
    return `retraining was requested at ${facts.lastRetrainAt}, within the ${retrain.cooldown} cooldown`;
  }
  if (retrain.require) {
    const window = durationMs(retrain.require.window);
    const since = now.getTime() - retrain.require.windows * window;
    const windows = new Set(
      [...(facts.recentFirings ?? []), now.getTime()]
        // Fix: strictly after `since`; a firing exactly `windows` windows ago fell in window number `windows`.
        .filter((t) => t > since)
        .map((t) => Math.floor((now.getTime() - t) / window)),
    );
    if (windows.size < retrain.require.firing) {
      return `fired in ${windows.size} of the last ${retrain.require.windows} windows; ${retrain.require.firing} needed`;
    }
  }
  return null;
}

/** A routed alert for one model. */
export function decideAlert(
  state: VersionState | null,
  event: AlertEvent,
  policy: Policy | undefined,
  facts: AlertFacts,
  now: Date,
): Decision {
  const { alert, model } = event;
  const action = event.route?.action;
  const at = now.toISOString();
  const cause = businessKey(event);
  const actor = `alert:${alert.source}`;
  const about = { name: alert.name, source: alert.source, ...(alert.reason && { reason: alert.reason }) };
  const record = (kind: string, evidence: Record<string, unknown> = {}): AuditEntry =>
    entry(model, state?.version, kind, actor, cause, at, { alert: about, action, ...evidence });
  // Model-level records need no version state: they are written with the ledger.
  const recordOnly = (kind: string, evidence: Record<string, unknown> = {}): Decision => ({
    next: state ? advance(state, now, {}) : null,
    effects: state ? [] : [{ type: 'audit', entry: record(kind, evidence) }],
    audit: state ? [record(kind, evidence)] : [],
  });

  // Unrouted, or no policy any more: nothing to act on.
  if (!action || !policy) return nothing;

  // A resolved alert is history, never a trigger.
  if (alert.state === 'resolved') return recordOnly('alert.resolved');

  const seen = (acted: boolean): Effect => ({
    type: 'recordAlert',
    fingerprint: `${alert.source}:${alert.fingerprint}`,
    episode: episodeKey(alert),
    action,
    acted,
  });

  // This episode was already acted on: a repeat is recorded, not acted on again.
  if (facts.alertActed) {
    const repeated = recordOnly('alert.repeated', { episode: episodeKey(alert) });
    return { ...repeated, effects: [...repeated.effects, seen(false)] };
  }

  const acted = seen(true);
  const notice = (kind: 'alert.received'): Effect => ({
    type: 'notify',
    notification: {
      kind,
      model,
      version: state?.version ?? '-',
      alert: about,
      action,
      idempotencyKey: `alert:${model}:${episodeKey(alert)}`,
    },
  });

  if (action === 'notify') {
    // Fix: keep recordOnly's effects, the model-level audit entry when there is no version state.
    const notified = recordOnly('alert.notified');
    return { ...notified, effects: [...notified.effects, acted, notice('alert.received')] };
  }

  if (action === 'retrain') {
    if (!policy.retrain)
      return recordOnly('retrain.skipped', { reason: 'the policy names no retraining target' });
    const refused = retrainAllowed(policy, facts, now);
    if (refused) {
      const skipped = recordOnly('retrain.skipped', { reason: refused });
      return { ...skipped, effects: [...skipped.effects, seen(false)] };
    }
    const reason = `alert ${alert.name}${alert.reason ? `: ${alert.reason}` : ''}`;
    const decision = recordOnly('retrain.requested', { target: policy.retrain.target.kind });
    return {
      ...decision,
      effects: [
        // Fix: keep recordOnly's effects, the model-level audit entry when there is no version state.
        ...decision.effects,
        {
          type: 'retrain',
          reason,
          alert: { name: alert.name, source: alert.source, fingerprint: alert.fingerprint },
          idempotencyKey: `retrain:${model}:${episodeKey(alert)}`,
        },
        { ...acted, retrainedAt: at } as Effect,
        {
          type: 'notify',
          notification: {
            kind: 'retrain.requested',
            model,
            version: state?.version ?? '-',
            reason,
            target: policy.retrain.target.kind,
            idempotencyKey: `retrain:${model}:${episodeKey(alert)}`,
          },
        },
      ],
    };
  }

  const reason = `alert ${alert.name} (${alert.source})${alert.reason ? `: ${alert.reason}` : ''}`;

  // A canary is running: abort it, whatever the rule asked (abort or rollback).
  if (state?.phase === Phase.RollingOut && state.rollout) {
    const aborted = abortRollout(state, policy, reason, actor, cause, now, {
      effects: [acted],
      lease: facts.lease,
    });
    return {
      ...aborted,
      audit: [...aborted.audit.map((a) => ({ ...a, evidence: { ...a.evidence, alert: about } }))],
    };
  }

  // Roll the hurting champion back.
  if (action === 'rollback' && state?.phase === Phase.Promoted) {
    return rollback(state, policy, facts, reason, actor, cause, now, { effects: [acted], alert: about });
  }

  // Nothing to act on (already rolled back, no rollout running): recorded.
  return recordOnly('alert.ignored', { phase: state?.phase ?? null });
}

/** `baton rollback MODEL [--to VERSION]`: the same path, by hand. */
export function decideRollback(
  state: VersionState | null,
  event: ControlEvent,
  policy: Policy | undefined,
  facts: AlertFacts,
  now: Date,
): Decision {
  const cause = businessKey(event);
  const respond = (text: string, replace = false): Effect[] =>
    event.responseUrl ? [{ type: 'respond', url: event.responseUrl, text, replace }] : [];
  const reason = event.reason ?? `rolled back by ${event.actor}`;
  // A rollout in progress is stopped by the one abort path.
  if (state?.phase === Phase.RollingOut && state.rollout && policy) {
    const aborted = abortRollout(state, policy, reason, event.actor, cause, now, {
      lease: facts.lease,
      effects: respond(`Aborted by ${event.actor}.`, true),
    });
    const message = `aborted the rollout of ${state.model} v${state.version}: v${state.rollout.champion ?? '?'} serves 100 % again`;
    return answered(aborted, event, AnswerOutcome.Applied, message, now);
  }
  // Choosing the version to serve (--to) is a promotion decision: approvers only.
  if (event.to !== undefined && policy && !isApprover(policy, event.actor, facts.people)) {
    return refusal(event, `${event.actor} is not an approver of ${event.model}, so cannot choose --to`, now);
  }
  // Only a champion Baton promoted can be rolled back (a rollout in progress was handled above).
  if (!state || !policy || state.phase !== Phase.Promoted) {
    const which = event.version === undefined ? '' : ` (v${event.version} is ${state?.phase ?? 'unknown'})`;
    return refusal(event, `${event.model} has no promoted champion to roll back${which}`, now);
  }
  // Fix: answer after deciding; a rollback refused for want of a safe target must not read "Rolled back".
  const decided = rollback(state, policy, facts, reason, event.actor, cause, now, {});
  const done = decided.next?.phase === Phase.RolledBack;
  const why = String(decided.audit[0]?.evidence.why);
  const answer = done ? respond(`Rolled back by ${event.actor}.`, true) : respond(`Not done: ${why}`);
  const to = facts.rollbackTarget?.version ?? '?';
  return answered(
    { ...decided, effects: [...decided.effects, ...answer] },
    event,
    done ? AnswerOutcome.Applied : AnswerOutcome.Refused,
    done ? `rolled back ${state.model} to v${to}` : `${state.model} was not rolled back: ${why}`,
    now,
  );
}

/**
 * The one rollback: traffic to the target at 100 % first, then the champion alias, the records,
 * the tags, the notice. With no safe target, people are paged instead of Baton guessing.
 */
function rollback(
  state: VersionState,
  policy: Policy,
  facts: AlertFacts,
  reason: string,
  actor: string,
  cause: string,
  now: Date,
  extra: { effects?: Effect[]; alert?: { name: string; source: string; reason?: string } },
): Decision {
  const at = now.toISOString();
  const { model, version } = state;
  const target = facts.rollbackTarget ?? null;
  const targetPhase = target?.state?.phase;
  const unsafe =
    !target || target.version === version || !target.state || unsafeTargets.has(targetPhase as string);

  // No safe version to return to: page people, change nothing.
  if (unsafe) {
    const why = !target
      ? `no version holds the ${policy.aliases.archive} alias`
      : `v${target.version} is not a safe target (${targetPhase ?? 'unknown to Baton'})`;
    return {
      next: advance(state, now, {}),
      effects: [
        ...(extra.effects ?? []),
        {
          type: 'notify',
          notification: {
            kind: 'rollback.impossible',
            model,
            version,
            reason: `${reason}; ${why}`,
            idempotencyKey: `rollback-impossible:${model}:${version}:${cause}`,
          },
        },
      ],
      audit: [
        entry(model, version, 'rollback.refused', actor, cause, at, {
          reason,
          why,
          alert: extra.alert ?? null,
        }),
      ],
    };
  }

  const to = target.version;
  const rollout = state.rollout;
  const endpoint = shiftsTraffic(policy) ? (rollout?.endpoint ?? policy.rollout.endpoint.name!) : undefined;
  const effects: Effect[] = [
    // Traffic first: the archive version serves before any record says so.
    ...(endpoint && shiftsTraffic(policy)
      ? [
          {
            type: 'shiftTraffic',
            endpoint,
            kind: policy.rollout.endpoint.kind,
            weights: { [to]: 100 },
          } as Effect,
        ]
      : []),
    { type: 'setAlias', alias: policy.aliases.champion, version: to },
    { type: 'recordChampion', version: to },
    { type: 'deleteAlias', alias: policy.aliases.archive, version: to },
    {
      type: 'setTags',
      version,
      tags: {
        [policy.tags.phase]: Phase.RolledBack,
        'baton.rolled_back_at': at,
        'baton.rollback_reason': reason,
        'baton.rolled_back_by': actor,
        ...(extra.alert && { 'baton.rollback_alert': `${extra.alert.source}:${extra.alert.name}` }),
      },
    },
    { type: 'setTags', version: to, tags: { [policy.tags.phase]: Phase.Promoted, 'baton.restored_at': at } },
    { type: 'recordPhase', version: to, phase: Phase.Promoted },
    ...(extra.effects ?? []),
    {
      type: 'notify',
      notification: {
        kind: 'rollback.completed',
        model,
        version,
        to,
        reason,
        by: actor,
        ...(extra.alert && { alert: extra.alert }),
        idempotencyKey: `rollback:${model}:${version}`,
      },
    },
  ];
  return {
    next: advance(state, now, {
      phase: Phase.RolledBack,
      dueAt: undefined,
      ...(rollout && { rollout: { ...rollout, cleanupAt: undefined, weights: { [to]: 100 } } }),
    }),
    effects,
    audit: [
      entry(model, version, 'rollback.completed', actor, cause, at, {
        from: version,
        to,
        reason,
        alert: extra.alert ?? null,
      }),
    ],
  };
}
