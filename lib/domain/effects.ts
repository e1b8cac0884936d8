/**
 * What a decision asks the world to do. Every effect is idempotent, so applying a decision twice
 * (after a crash and redelivery) converges on the same registry, endpoint and notifications.
 */
import type { Notification } from '../../events/notification';
import type { Phase } from './phases';

export type { Notification };

export type Effect =
  | { type: 'setTag'; version: string; key: string; value: string }
  /** Several independent tags at once (the registry has no batch call, so they go in parallel). */
  | { type: 'setTags'; version: string; tags: Record<string, string> }
  | { type: 'setAlias'; alias: string; version: string }
  /** Removes the alias only while it still points at `version` (a newer version may hold it). */
  | { type: 'deleteAlias'; alias: string; version: string }
  /** Baton's champion of the model is now this version (what protection and the reconciler compare with). */
  | { type: 'recordChampion'; version: string }
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
  /** The version is not ready yet: leave the event to be delivered again later. */
  | { type: 'retryLater'; reason: string };
