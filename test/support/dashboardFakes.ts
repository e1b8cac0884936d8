/**
 * The dashboard's read port over arrays, for unit tests of lib/app/ui: the same answers the
 * DynamoDB adapter gives (newest-first pages with cursors, filtered reads), without a table.
 */
import type { AuditFilter, DashboardReader, NewestFirst } from '../../lib/domain/dashboardPorts';
import { Phase } from '../../lib/domain/phases';
import type { AuditEntry, VersionState } from '../../lib/domain/state';

function page<T>(sorted: T[], limit: number, key: (item: T) => string): NewestFirst<T> {
  const items = sorted.slice(0, limit);
  return sorted.length > limit ? { items, older: key(items.at(-1)!) } : { items };
}

export class MemoryDashboardReader implements DashboardReader {
  constructor(
    readonly versions: VersionState[] = [],
    readonly audit: AuditEntry[] = [],
  ) {}

  private of(model: string) {
    return this.versions
      .filter((v) => v.model === model)
      .sort((a, b) => Number(b.version) - Number(a.version));
  }

  private entries(model: string) {
    return this.audit.filter((e) => e.model === model).sort((a, b) => a.at.localeCompare(b.at));
  }

  async models() {
    return [...new Set(this.versions.map((v) => v.model))].sort();
  }

  async waiting() {
    return this.versions.filter((v) => v.phase === Phase.AwaitingApproval);
  }

  async versionsPage(model: string, limit: number, older?: string) {
    const below = this.of(model).filter((v) => older === undefined || Number(v.version) < Number(older));
    return page(below, limit, (v) => v.version);
  }

  async versionsIn(model: string, phases: readonly string[]) {
    return this.of(model).filter((v) => phases.includes(v.phase));
  }

  async rollouts(model: string) {
    return this.of(model).filter((v) => v.rollout);
  }

  async auditPage(model: string, limit: number, older?: string) {
    const newest = this.entries(model).reverse();
    const from = older === undefined ? 0 : Number(older) + 1;
    const rest = newest.slice(from);
    const result = page(rest, limit, () => '');
    return result.older === undefined ? result : { ...result, older: String(from + limit - 1) };
  }

  async auditWhere(model: string, filter: AuditFilter) {
    return this.entries(model).filter(
      (e) =>
        (!filter.kinds || filter.kinds.includes(e.kind)) &&
        (filter.kindPrefix === undefined || e.kind.startsWith(filter.kindPrefix)) &&
        (filter.version === undefined || e.version === filter.version) &&
        (filter.since === undefined || e.at >= filter.since),
    );
  }
}
