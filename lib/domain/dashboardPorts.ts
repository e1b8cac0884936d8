/**
 * What the dashboard (lib/app/ui) reads from Baton's table: read-only, so the `ui` function's
 * role can be read-only too, and each read bounded by what a page shows (a page of versions, a
 * page of history, the entries that draw the timeline), so a model with thousands of versions
 * renders as fast as one with three. One adapter implements it (lib/adapters/store/dashboardReader.ts).
 */
import type { AuditEntry, VersionState } from './state';

/** One page, newest first, and the cursor of the next (older) page: absent on the last page. */
export interface NewestFirst<T> {
  items: T[];
  older?: string;
}

/** Which audit entries to read: those of some kinds, or whose kind begins so, optionally from a time. */
export interface AuditFilter {
  kinds?: readonly string[];
  kindPrefix?: string;
  version?: string;
  /** ISO 8601: entries at or after it only (read from there, not filtered after). */
  since?: string;
}

export interface DashboardReader {
  /** Models Baton holds records of: those with a champion, a deadline pending or a rollout lease. */
  models(): Promise<string[]>;
  /** Versions waiting for approval, across models (from the sparse deadline index). */
  waiting(): Promise<VersionState[]>;
  /** `limit` versions of `model`, newest first, older than the cursor `older` (one query). */
  versionsPage(model: string, limit: number, older?: string): Promise<NewestFirst<VersionState>>;
  /** The versions of `model` in one of `phases` (one query, filtered by the table). */
  versionsIn(model: string, phases: readonly string[]): Promise<VersionState[]>;
  /** The versions of `model` that have a rollout record (one query, filtered by the table). */
  rollouts(model: string): Promise<VersionState[]>;
  /** `limit` audit entries of `model`, newest first, older than the cursor `older` (one query). */
  auditPage(model: string, limit: number, older?: string): Promise<NewestFirst<AuditEntry>>;
  /** The audit entries of `model` that `filter` picks, oldest first (one query, filtered by the table). */
  auditWhere(model: string, filter: AuditFilter): Promise<AuditEntry[]>;
}
