/**
 * In-memory stand-ins for the ports, for unit tests of the use case only. What users rely on
 * is proven against the real MLflow server and the emulator in test/integration.
 */

import { NoneEndpoint } from '../../lib/adapters/serving/noneEndpoint';
import { StaleStateError } from '../../lib/adapters/store/errors';
import { noApprovalDelivery } from '../../lib/app/approvalLinks';
import type { PromotionDeps } from '../../lib/app/promotionDeps';
import type { Notification } from '../../lib/domain/effects';
import { emptyDirectory } from '../../lib/domain/people';
import type {
  EventFailure,
  ModelLedger,
  ModelRegistry,
  ModelVersionInfo,
  Notifier,
  PromotionStore,
  RunInfo,
} from '../../lib/domain/ports';
import type { AuditEntry, VersionState } from '../../lib/domain/state';
import { artefactSpecFor } from '../../lib/wiring/catalog';

export class MemoryRegistry implements ModelRegistry {
  versions = new Map<string, ModelVersionInfo>();
  runs = new Map<string, RunInfo>();
  aliases = new Map<string, string>();
  writes: string[] = [];
  /** Throws on the n-th write (1-based), once: a crash in the middle of applying effects. */
  crashOnWrite?: number;

  private key = (name: string, version: string) => `${name}/${version}`;
  private write(description: string) {
    if (this.crashOnWrite !== undefined && this.writes.length + 1 === this.crashOnWrite) {
      this.crashOnWrite = undefined;
      throw new Error('crash');
    }
    this.writes.push(description);
  }
  add(version: ModelVersionInfo, run?: RunInfo) {
    this.versions.set(this.key(version.name, version.version), version);
    if (run) this.runs.set(run.runId, run);
  }
  async getModelVersion(name: string, version: string) {
    const found = this.versions.get(this.key(name, version));
    if (!found) return null;
    const aliases = [...this.aliases]
      .filter(([k, v]) => k.startsWith(`${name}/`) && v === version)
      .map(([k]) => k.split('/')[1]!);
    return { ...found, aliases };
  }
  async getModelVersionByAlias(name: string, alias: string) {
    const version = this.aliases.get(`${name}/${alias}`);
    return version ? this.getModelVersion(name, version) : null;
  }
  async searchModelVersions(options: { name?: string }) {
    const found = [...this.versions.values()]
      .filter((v) => !options.name || v.name === options.name)
      .sort((a, b) => b.creationTimestamp - a.creationTimestamp);
    const versions = await Promise.all(found.map((v) => this.getModelVersion(v.name, v.version)));
    return { versions: versions.filter((v) => v !== null) };
  }
  async getRun(runId: string) {
    return this.runs.get(runId) ?? null;
  }
  async setModelVersionTag(name: string, version: string, key: string, value: string) {
    this.write(`tag ${name}/${version} ${key}=${value}`);
    const v = this.versions.get(this.key(name, version))!;
    v.tags = { ...v.tags, [key]: value };
  }
  async deleteModelVersionTag(name: string, version: string, key: string) {
    this.write(`untag ${name}/${version} ${key}`);
    const v = this.versions.get(this.key(name, version))!;
    const { [key]: _, ...rest } = v.tags;
    v.tags = rest;
  }
  async setAlias(name: string, alias: string, version: string) {
    this.write(`alias ${name} ${alias}→${version}`);
    this.aliases.set(`${name}/${alias}`, version);
  }
  async deleteAlias(name: string, alias: string) {
    this.write(`unalias ${name} ${alias}`);
    this.aliases.delete(`${name}/${alias}`);
  }
}

export class MemoryStore implements PromotionStore {
  states = new Map<string, VersionState>();
  audit: AuditEntry[] = [];
  failures: EventFailure[] = [];
  watermark: number | null = null;

  async getVersion(model: string, version: string) {
    return this.states.get(`${model}/${version}`) ?? null;
  }
  async saveVersion(next: VersionState, expectedRevision: number, audit: AuditEntry[]) {
    const current = this.states.get(`${next.model}/${next.version}`);
    if ((current?.revision ?? 0) !== expectedRevision) throw new StaleStateError(next.model, next.version);
    this.states.set(`${next.model}/${next.version}`, next);
    this.audit.push(...audit);
  }
  async listVersions(model: string) {
    return [...this.states.values()].filter((s) => s.model === model);
  }
  async listAudit(model: string) {
    return this.audit.filter((a) => a.model === model);
  }
  async knownVersions(model: string, versions: string[]) {
    return new Set(versions.filter((v) => this.states.has(`${model}/${v}`)));
  }
  async recordFailure(failure: EventFailure) {
    this.failures.push(failure);
  }
  async listFailures(model: string) {
    return this.failures.filter((f) => f.model === model).reverse();
  }
  champions = new Map<string, string>();
  async getChampion(model: string) {
    return this.champions.get(model) ?? null;
  }
  async setChampion(model: string, version: string) {
    this.champions.set(model, version);
  }
  async listChampions() {
    return [...this.champions].map(([model, version]) => ({ model, version }));
  }
  async dueVersions(nowMs: number) {
    return [...this.states.values()]
      .filter((s) => s.dueAt !== undefined && s.dueAt <= nowMs)
      .map((s) => ({ model: s.model, version: s.version, dueAt: s.dueAt! }));
  }
  async getWatermark() {
    return this.watermark;
  }
  async setWatermark(ms: number) {
    this.watermark = ms;
  }
}

export class MemoryNotifier implements Notifier {
  published: Notification[] = [];
  async publish(notification: Notification) {
    this.published.push(notification);
  }
}

/** A port this test did not wire was asked to change something: fail loudly, as a missing dependency did. */
const notWired = (what: string) => async (): Promise<never> => {
  throw new Error(`this test wires no ${what}`);
};

/**
 * The ports a unit test does not care about, as null objects: reads answer "nothing" (no lease, no
 * alarms reported, no alert history), writes fail loudly. Pass what the test does care about.
 */
export function withNullDeps<
  T extends Pick<PromotionDeps, 'registry' | 'store' | 'notifier' | 'policyFor' | 'now'>,
>(deps: T & Partial<PromotionDeps>): PromotionDeps & T {
  const ledger: ModelLedger = {
    leaseHolder: async () => null,
    takeLease: notWired('ledger'),
    releaseLease: notWired('ledger'),
    alertHistory: async () => ({ acted: false, firings: [] }),
    recordAlert: notWired('ledger'),
    lastRetrain: async () => null,
    recordRetrain: notWired('ledger'),
    appendAudit: notWired('ledger'),
  };
  const none = new NoneEndpoint();
  return {
    responder: { respond: async () => undefined },
    approvalDelivery: noApprovalDelivery,
    people: emptyDirectory,
    ledger,
    serving: () => none,
    // The catalog's real (pure) artefact rules, so a test's policy pins what production would.
    artefactSpec: artefactSpecFor,
    // An alarm nobody reports counts as no data, which the core treats as a pause.
    alarms: { states: async () => [] },
    // No metrics source: a canary analysis is inconclusive, never a pass.
    canaryMetrics: { read: async () => ({ source: null, reason: 'no metrics in this test', series: {} }) },
    retrain: (policy) => ({
      kind: policy.retrain?.target.kind ?? 'http',
      trigger: notWired('retraining target'),
    }),
    queue: { enqueue: notWired('queue') },
    knownModels: async () => [],
    copies: { request: notWired('copy requests') },
    ...deps,
  };
}
