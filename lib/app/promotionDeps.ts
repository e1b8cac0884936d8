/**
 * Everything the worker's use case talks to, each one always present: where something is not
 * configured, wiring passes a null object (NoopNotifier, NoneEndpoint, noApprovalDelivery…) so
 * processEvent, gatherFacts and applyEffect never ask whether a dependency exists.
 *
 * @example
 *   const deps: PromotionDeps = { registry, store, notifier, responder, approvalDelivery, policyFor,
 *     people, now: () => new Date(), ledger, serving, alarms, retrain, queue, knownModels };
 */

import type { CanaryMetricsReader } from '../domain/analysisPorts';
import type { CopyRequests } from '../domain/copyPorts';
import type { EndpointKind } from '../domain/effects';
import type { AlarmReader } from '../domain/monitoringPorts';
import type { PeopleDirectory } from '../domain/people';
import type { Policy } from '../domain/policy';
import type { ModelLedger, ModelRegistry, Notifier, PromotionStore, Responder } from '../domain/ports';
import type { EventQueue } from '../domain/queuePorts';
import type { RetrainTrigger } from '../domain/retrainPorts';
import type { ArtefactSpec, ServingEndpoint } from '../domain/servingPorts';
import type { ApprovalDelivery } from './approvalLinks';
import { QueueNotConfiguredError } from './errors';

export interface PromotionDeps {
  registry: ModelRegistry;
  store: PromotionStore;
  notifier: Notifier;
  /** Answers the person behind a decision (Slack's response_url). */
  responder: Responder;
  /** Sends each approver their own signed review link (never on the broadcast topic). */
  approvalDelivery: ApprovalDelivery;
  policyFor(model: string): Policy | undefined;
  /** Who is who (the people files loaded with the policies); `emptyDirectory` when there are none. */
  people: PeopleDirectory;
  now(): Date;
  /** Model-level records: rollout lease, alerts, retraining, model audit. */
  ledger: ModelLedger;
  /** The serving adapter for an endpoint kind (a `none` adapter where nothing is served). */
  serving(kind: EndpointKind): ServingEndpoint;
  /** The pinned-artefact rules of the policy's serving kind (the catalog's; no rollout: nothing deployed). */
  artefactSpec(policy: Policy): ArtefactSpec;
  alarms: AlarmReader;
  /** Both variants' metrics during a canary step (CloudWatch for SageMaker; no source elsewhere). */
  canaryMetrics: CanaryMetricsReader;
  /** The retraining target a policy names. */
  retrain(policy: Policy): RetrainTrigger;
  /** The promotion queue, for events a decision hands on (routed alerts, superseding aborts). */
  queue: EventQueue;
  /** Models alerts may concern: Baton's champions and the policies' exact model names. */
  knownModels(): Promise<string[]>;
  /** Where a verified copy is handed on (the copier function's queue; `copiesNotConfigured` when none). */
  copies: CopyRequests;
}

/** What processing one event did. */
export interface Outcome {
  /** The phase stored, or null when the event changed nothing. */
  phase: string | null;
  effects: number;
  /** Stored work that could not be finished yet (an outage): why; the tick retries it. */
  deferred?: string;
}

/** No copy queue configured: a copy effect fails (and is retried) with the reason instead of vanishing. */
export const copiesNotConfigured: CopyRequests = {
  request: async () => {
    throw new QueueNotConfiguredError('COPY_QUEUE_URL');
  },
};

/** The queue wired when none is configured: handing an event on fails (and is retried) instead of vanishing. */
export const queueNotConfigured: EventQueue = {
  enqueue: async () => {
    throw new QueueNotConfiguredError();
  },
};
