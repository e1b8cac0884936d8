/**
 * What a decision asks the world to do. Every effect is idempotent, so applying a decision twice
 * (after a crash and redelivery) converges on the same registry, endpoint and notifications.
 */
import type { Artefact, ServingKind } from '../../events/artefact';
import type { Notification } from '../../events/notification';
import type { PromotionEvent } from '../../events/promotionEvent';
import type { Phase } from './phases';
import type { AuditEntry } from './state';

/** A serving kind (declared once, in events/artefact.ts). */
export type EndpointKind = ServingKind;

export type { Notification };

export type Effect =
  | { type: 'setTag'; version: string; key: string; value: string }
  /** Several independent tags at once (the registry has no batch call, so they go in parallel). */
  | { type: 'setTags'; version: string; tags: Record<string, string> }
  | { type: 'setAlias'; alias: string; version: string }
  /** Removes the alias only while it still points at `version` (a newer version may hold it). */
  | { type: 'deleteAlias'; alias: string; version: string }
  /** Baton's champion of the model is now this version (what protection and the reconciler compare with). */
  /** `ifNone`: only when Baton has no champion of record (adopting after lost state never replaces one). */
  | { type: 'recordChampion'; version: string; ifNone?: boolean }
  /** Another version's recorded phase changes with this decision (the previous champion is archived). */
  | { type: 'recordPhase'; version: string; phase: Phase }
  /** Updates the Slack message a decision came from (its response_url) with the outcome. */
  | {
      type: 'respond';
      url: string;
      text: string /** Replace the message (and its buttons): the request is closed. */;
      replace: boolean;
    }
  | { type: 'notify'; notification: Notification }
  /** Take the model's rollout lease for `version` (conditional write; fails while another version holds it). */
  | { type: 'takeLease'; version: string }
  /** Release the model's rollout lease if `version` holds it. */
  | { type: 'releaseLease'; version: string }
  /**
   * Serve these versions on the endpoint with these weights (percent), verified by reading it back.
   * `artefacts`: the pinned artefact of versions it serves, deployed as approved; a version not
   * named here is deployed from its stored pin, else (records from before pinning) from its tags now.
   */
  | {
      type: 'shiftTraffic';
      endpoint: string;
      kind: EndpointKind;
      weights: Record<string, number>;
      artefacts?: Record<string, Artefact>;
    }
  /** Leave only `version`'s variant on the endpoint (after the termination wait). */
  | { type: 'finaliseEndpoint'; endpoint: string; kind: EndpointKind; version: string }
  /** Call the policy's retraining target. */
  | {
      type: 'retrain';
      reason: string;
      alert?: { name: string; source: string; fingerprint: string };
      idempotencyKey: string;
    }
  /**
   * Remember a firing alert for the model: seen now (for "N of M windows"), acted on (so repeats
   * of the episode act once), and when retraining was requested (the cooldown).
   */
  | {
      type: 'recordAlert';
      fingerprint: string;
      episode: string;
      action: string;
      acted: boolean;
      retrainedAt?: string;
    }
  /** An audit entry about the model that changes no version's state (e.g. an alert with nothing to act on). */
  | { type: 'audit'; entry: AuditEntry }
  /** Put an event on the promotion queue (e.g. an alert routed to the model it concerns). */
  | { type: 'enqueue'; event: PromotionEvent }
  /**
   * Copy `version`'s exact artefacts into `model` of `registry` (undefined: the registry Baton
   * listens to), prove the copy by digest and tag both sides (lib/app/copyVersion.ts).
   */
  | {
      type: 'copyVersion';
      version: string;
      registry?: string | undefined;
      model: string;
      /** Who let it pass here: the approvers, or the policy. */
      approvedBy: string[];
    }
  /** The version is not ready yet: leave the event to be delivered again later. */
  | { type: 'retryLater'; reason: string };
