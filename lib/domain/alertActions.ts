/**
 * What Baton does about a routed monitoring alert for one model: abort a running canary
 * (rolloutAbort.ts's single abort path), roll a hurting champion back (rollback.ts), request
 * retraining with a cooldown and a persistence rule, or just tell people. `resolved` never acts;
 * one alert episode acts once.
 *
 * @example
 *   decideAlert(championState, routedEvent, policy, { alertActed: false, rollbackTarget }, now);
 */
import { type AlertEvent, businessKey } from '../../events/promotionEvent';
import { episodeKey } from './alertRouting';
import type { AlertFacts, Decision } from './decision';
import { advance, nothing } from './decision';
import { durationMs } from './duration';
import type { Effect } from './effects';
import { Phase } from './phases';
import type { Policy } from './policy';
import { rollback } from './rollback';
import { abortRollout } from './rolloutAbort';
import type { AuditEntry, VersionState } from './state';

/** An audit entry about the model, and the version when there is one (a model may have no version state). */
function alertEntry(
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

/**
 * A routed alert for one model.
 *
 * @example
 *   decideAlert(state, { ...alertEvent, route: { action: 'retrain', rule: 1 } }, policy, { lastRetrainAt: null }, now);
 */
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
    alertEntry(model, state?.version, kind, actor, cause, at, { alert: about, action, ...evidence });
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
