/**
 * The ports the promotion use case drives: registry, store, ledger, notifier, responder; the
 * queue, serving, alarm and retrain ports are in their sibling files and re-exported here, so
 * this module is the one place to find every port. Adapters in lib/adapters implement them;
 * tests may pass small in-memory versions.
 */
import type { Notification } from './effects';
import type { ModelVersionInfo, RunInfo } from './registryFacts';
import type { AuditEntry, VersionState } from './state';

/** The registry's facts are defined once, by the core's schemas (lib/domain/registryFacts.ts). */
export type { ModelVersionInfo, RunInfo } from './registryFacts';

export interface ModelRegistry {
  /** null when the model or version does not exist. */
  getModelVersion(name: string, version: string): Promise<ModelVersionInfo | null>;
  /** null when the alias is not set. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersionInfo | null>;
  /** Newest first when orderBy is omitted; `name` limits the search to one model. */
  searchModelVersions(options: {
    name?: string;
    orderBy?: string[];
    maxResults?: number;
    pageToken?: string;
  }): Promise<{ versions: ModelVersionInfo[]; nextPageToken?: string }>;
  /** null when the run does not exist. */
  getRun(runId: string): Promise<RunInfo | null>;
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string): Promise<void>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
}

export interface EventFailure {
  at: string;
  model: string;
  version?: string;
  /** The event's business key. */
  event: string;
  messageId: string;
  receiveCount: number;
  error: string;
}

/** Baton's memory: one record per version, conditional writes, audit entries in the same transaction. */
export interface PromotionStore {
  getVersion(model: string, version: string): Promise<VersionState | null>;
  /**
   * Writes `next` if the stored revision is still `expectedRevision` (0: no record yet), with the
   * audit entries, atomically. Throws StaleStateError when someone else wrote first.
   */
  saveVersion(next: VersionState, expectedRevision: number, audit: AuditEntry[]): Promise<void>;
  /** Every version Baton knows of for a model, oldest first. */
  listVersions(model: string): Promise<VersionState[]>;
  /** The audit trail of a model, oldest first. */
  listAudit(model: string): Promise<AuditEntry[]>;
  /** Which of these versions Baton has a record of. */
  knownVersions(model: string, versions: string[]): Promise<Set<string>>;
  /** Records why an event failed, so a message that ends in the DLQ has its error on file. */
  recordFailure(failure: EventFailure): Promise<void>;
  /** The most recent failures for a model, newest first. */
  listFailures(model: string, limit?: number): Promise<EventFailure[]>;
  /** Baton's champion of a model: the version it last made champion (null: none). */
  getChampion(model: string): Promise<string | null>;
  setChampion(model: string, version: string, at: string): Promise<void>;
  /** Every model Baton has made a champion for, with that champion (for the reconciler). */
  listChampions(): Promise<Array<{ model: string; version: string }>>;
  /** Versions whose deadline (dueAt, ms) has passed, from the DueIndex: no table scan. */
  dueVersions(
    nowMs: number,
    limit?: number,
  ): Promise<Array<{ model: string; version: string; dueAt: number }>>;
  /** The reconciler's watermark: creation time (ms) up to which every version was swept. */
  getWatermark(): Promise<number | null>;
  setWatermark(ms: number): Promise<void>;
}

/** Tells people and other systems what Baton decided. */
export interface Notifier {
  publish(notification: Notification): Promise<void>;
}

/** Tells the person behind a decision what became of it (Slack: the message's response_url). */
export interface Responder {
  respond(url: string, text: string, replace: boolean): Promise<void>;
}

/**
 * Records about a model rather than one version: the rollout lease (at most one rollout per
 * model), the alerts seen and acted on, when retraining was last requested, and audit entries
 * that change no version's state.
 */
export interface ModelLedger {
  /** The version holding the model's rollout lease, or null when it is free. */
  leaseHolder(model: string): Promise<string | null>;
  /** Takes the lease for `version` when it is free or already its own; throws LeaseBusyError otherwise. */
  takeLease(model: string, version: string, at: string): Promise<void>;
  /** Releases the lease if `version` holds it. */
  releaseLease(model: string, version: string): Promise<void>;
  /** Whether this alert episode was acted on, and when this alert was seen firing lately (ms). */
  alertHistory(
    model: string,
    fingerprint: string,
    episode: string,
  ): Promise<{ acted: boolean; firings: number[] }>;
  recordAlert(
    model: string,
    record: { fingerprint: string; episode: string; action: string; acted: boolean; at: string },
  ): Promise<void>;
  /** When retraining was last requested for the model (ISO 8601), or null. */
  lastRetrain(model: string): Promise<string | null>;
  recordRetrain(model: string, at: string): Promise<void>;
  appendAudit(entry: AuditEntry): Promise<void>;
}

/** Secrets by parameter name; several values allow rotation. An empty list: not configured. */
export interface SecretStore {
  /**
   * Every value of the named secret; an empty list when it is not configured. Values are cached
   * briefly (a rotation takes effect within the TTL); `fresh` reads past the cache, for a
   * credential the other side just refused.
   */
  values(name: string, options?: { fresh?: boolean }): Promise<string[]>;
}

/**
 * One secret, read where it is used (through the SecretStore's short cache, so a rotation takes
 * effect without a cold start): its current value, undefined when not configured. `fresh` reads
 * past the cache, for a credential the other side just refused.
 */
export type SecretSource = (options?: { fresh?: boolean }) => Promise<string | undefined>;

/** A claim to deliver a notification now, held by one invocation. */
export interface Claim {
  key: string;
  owner: string;
}

/** Remembers which notifications were delivered, so each is posted once however often it arrives. */
export interface DeliveryLedger {
  /** A claim to deliver now, or 'sent' when the key was delivered before; throws DeliveryInProgressError. */
  claim(key: string): Promise<Claim | 'sent'>;
  markSent(claim: Claim): Promise<void>;
  /** Gives the key back so a retry can deliver it; only the claim's owner can. */
  release(claim: Claim): Promise<void>;
}

/** Single use of approval links: one record per decoded claims. */
export interface TokenLedger {
  /** true when this call claimed the token (by its claims' id); false when it was already used. */
  claim(id: string, expiresAtSeconds: number): Promise<boolean>;
  isUsed(id: string): Promise<boolean>;
  /** Gives a claim back when what it was for could not be done (the decision was not queued). */
  release(id: string): Promise<void>;
}

export type * from './analysisPorts';
export type * from './deadLetterPorts';
export type * from './monitoringPorts';
export type * from './pollPorts';
export type * from './queuePorts';
export * from './retrainPorts';
export type * from './servingPorts';
export type * from './webhookReceiptPorts';

/** The broadcast approval request: what a delivery needs to address and word each link. */
export type ApprovalRequest = Extract<Notification, { kind: 'approval.requested' }>;

export interface ApprovalLinks {
  /**
   * The review-page URL that decides as `approver` (an entry of the policy's approvers, as
   * written: it resolves to the same person wherever the decision is judged), or undefined when
   * links are not configured.
   */
  linkFor(
    request: Pick<ApprovalRequest, 'model' | 'version' | 'expiresAt'>,
    approver: string,
  ): Promise<string | undefined>;
}

/** No key configured: approvers decide in Slack or with the CLI. */
export const noApprovalLinks: ApprovalLinks = { linkFor: async () => undefined };

/** Sends each approver of a request their own link; idempotent on redelivery. */
export interface ApprovalDelivery {
  deliver(request: ApprovalRequest): Promise<void>;
}

/** Nothing to send: no link key, or no channel that reaches anyone. */
export const noApprovalDelivery: ApprovalDelivery = { deliver: async () => undefined };
