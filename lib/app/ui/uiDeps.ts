/**
 * What the dashboard's use cases run with (composed in lib/wiring/ui.ts): the table read-only,
 * the promotion queue for decisions and controls, the policies and the people directory.
 */
import type { DashboardReader, NewestFirst } from '../../domain/dashboardPorts';
import type { PeopleDirectory } from '../../domain/people';
import type { Policy } from '../../domain/policy';
import type { EventQueue } from '../../domain/queuePorts';
import type { AuditEntry } from '../../domain/state';

export interface UiDeps {
  reader: DashboardReader;
  queue: EventQueue;
  policyFor(model: string): Policy | undefined;
  /** Models named exactly by a policy: listed even before Baton has records of them. */
  policyModels: string[];
  people: PeopleDirectory;
  /**
   * The entries that moved `champion`, kept across requests (championMoves.ts); unset: read each
   * time. `newest`: the newest page of history the model page reads anyway, to pick new moves from.
   */
  championMoves?: (model: string, newest?: Promise<NewestFirst<AuditEntry>>) => Promise<AuditEntry[]>;
  /** Local sign-in only (`npm start`): the keys sign-in links and sessions are signed with. */
  signInKeys?: () => Promise<string[]>;
  now(): Date;
}

/** What a dashboard request carries, from API Gateway's event (functions/ui.ts). */
export interface UiRequest {
  method: string;
  path: string;
  model?: string;
  query: Record<string, string | undefined>;
  form: string;
  /** The JWT authorizer's verified claims (AWS). */
  claims?: Record<string, unknown>;
  cookie?: string;
  origin?: string;
  host?: string;
  /** The browser's Sec-Fetch-Site: `same-origin` for the dashboard's own forms. */
  fetchSite?: string;
}
