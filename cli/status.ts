/**
 * `baton status MODEL`: every version of a model with Baton's phase, the registry's
 * validation_status and aliases, and the failed checks; then the work stored on a version and not
 * applied yet, with its attempts and last error (cli/pending.ts); then the last recorded event failures.
 * With `--json`, the same facts as one JSON object (`statusReport`).
 *
 * Degraded, not dead: when the registry is unreachable (refused, timed out, 5xx after the retries),
 * the versions come from Baton's own records, aliases and validation tags are not shown, and the
 * command says so on stderr (`unavailable` in the JSON) and still exits 0: what Baton decided is in
 * its table, which is what an operator needs during a registry outage.
 */
import type { Command } from 'commander';
import { analysisLines } from '../lib/adapters/notify/analysisTable';
import type { PolicySet } from '../lib/adapters/policy/policyLookup';
import { policyFor, resolvePoliciesDir } from '../lib/adapters/policy/policySet';
import { RegistryUnavailableError } from '../lib/adapters/registry/errors';
import type { Policy } from '../lib/domain/policy';
import type { EventFailure, ModelRegistry, ModelVersionInfo, PromotionStore } from '../lib/domain/ports';
import type { VersionState } from '../lib/domain/state';
import { loadPolicySet } from '../lib/wiring/policyFiles';
import { cliContext } from './context';
import { type PendingWork, pendingLines, pendingWork } from './pending';
import { act, command, runCommand } from './program';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function allVersions(registry: ModelRegistry, model: string): Promise<ModelVersionInfo[]> {
  const versions: ModelVersionInfo[] = [];
  let pageToken: string | undefined;
  do {
    const page = await registry.searchModelVersions({ name: model, maxResults: 200, pageToken });
    versions.push(...page.versions);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return versions;
}

type StatusDeps = { store: PromotionStore; registry: ModelRegistry; policiesDir?: string };

/**
 * The registry's versions, or, when the registry is unreachable, Baton's own versions with no
 * aliases and no tags, and the sentence that says what could not be read.
 */
async function registryVersions(
  model: string,
  deps: StatusDeps,
  states: Promise<VersionState[]>,
): Promise<{
  versions: Array<Pick<ModelVersionInfo, 'version' | 'aliases' | 'tags'>>;
  unavailable: string[];
}> {
  try {
    return { versions: await allVersions(deps.registry, model), unavailable: [] };
  } catch (error) {
    if (!(error instanceof RegistryUnavailableError)) throw error;
    return {
      versions: (await states).map((s) => ({ version: s.version, aliases: [], tags: {} })),
      unavailable: [
        `registry unreachable (${error.message}): aliases and tags not shown; versions are those in Baton's table`,
      ],
    };
  }
}

/** What `baton status --json` prints: the facts the table and the rollout lines are made of. */
export interface StatusReport {
  model: string;
  /** The model pattern of the policy in force for the model; null when none is. */
  policy: string | null;
  /** The files with problems when the policy set is refused whole (then `policy` is null). */
  policyProblems: string[];
  /** Newest first; `phase` null when Baton has no record of the version. */
  versions: Array<{
    version: string;
    phase: string | null;
    validationStatus: string | null;
    /** null when the registry could not be read (see `unavailable`). */
    aliases: string[] | null;
    failedChecks: Array<{ id: string; reason: string }>;
  }>;
  /** Running rollouts, and promoted ones whose old variant is still to be removed. */
  rollouts: Array<{ version: string; phase: string; dueAt: string | null; rollout: VersionState['rollout'] }>;
  failures: EventFailure[];
  /** Work stored on a version's record and not applied yet (cli/pending.ts), newest version first. */
  pending: PendingWork[];
  /** What could not be read (e.g. the registry, during an outage); empty when everything was. */
  unavailable: string[];
}

async function gather(model: string, deps: StatusDeps) {
  const listed = deps.store.listVersions(model);
  const [states, { versions, unavailable }, failures] = await Promise.all([
    listed,
    registryVersions(model, deps, listed),
    deps.store.listFailures(model, 5),
  ]);
  const set = loadPolicySet(deps.policiesDir ?? resolvePoliciesDir());
  // The functions refuse a set with any problem (fail closed): then no policy governs anything.
  const policy = set.problems.length > 0 ? undefined : policyFor(set.policies, model);
  const byVersion = new Map(states.map((s) => [s.version, s]));
  const rollouts = states.filter((s) => s.rollout && (s.phase === 'rolling_out' || s.rollout.cleanupAt));
  versions.sort((a, b) => Number(b.version) - Number(a.version));
  return { set, policy, versions, byVersion, rollouts, failures, unavailable, pending: pendingWork(states) };
}

/**
 * The status of every version of `model`, as data.
 *
 * @example
 *   (await statusReport('fraud', cliContext())).versions[0]; // { version: '7', phase: 'rolling_out', … }
 */
export async function statusReport(model: string, deps: StatusDeps): Promise<StatusReport> {
  const { set, policy, versions, byVersion, rollouts, failures, unavailable, pending } = await gather(
    model,
    deps,
  );
  const statusTag = policy?.tags.validationStatus ?? 'validation_status';
  return {
    model,
    policy: policy?.model ?? null,
    policyProblems: [...new Set(set.problems.map((p) => p.file))],
    versions: versions.map((v) => {
      const state = byVersion.get(v.version);
      return {
        version: v.version,
        phase: state?.phase ?? null,
        validationStatus: v.tags[statusTag] ?? null,
        aliases: unavailable.length > 0 ? null : v.aliases,
        failedChecks: (state?.checks ?? [])
          .filter((c) => !c.passed)
          .map(({ id, reason }) => ({ id, reason })),
      };
    }),
    rollouts: rollouts.map((s) => ({
      version: s.version,
      phase: s.phase,
      dueAt: s.dueAt ? new Date(s.dueAt).toISOString() : null,
      rollout: s.rollout,
    })),
    failures,
    pending,
    unavailable,
  };
}

export async function renderStatus(
  model: string,
  deps: StatusDeps,
  warn: (line: string) => void = () => undefined,
): Promise<string> {
  const { set, policy, versions, byVersion, rollouts, failures, unavailable, pending } = await gather(
    model,
    deps,
  );
  for (const line of unavailable) warn(line);
  const unknown = unavailable.length > 0 ? '?' : '-';
  const statusTag = policy?.tags.validationStatus ?? 'validation_status';
  const rows = [['VERSION', 'PHASE', 'VALIDATION', 'ALIASES', 'FAILED CHECKS']];
  for (const v of versions) {
    const state = byVersion.get(v.version);
    const failed = (state?.checks ?? []).filter((c) => !c.passed).map((c) => c.reason);
    rows.push([
      v.version,
      state?.phase ?? '(no record)',
      v.tags[statusTag] ?? unknown,
      v.aliases.join(',') || unknown,
      failed.join('; ') || '-',
    ]);
  }
  const lines = [
    `${model}: ${governs(set, policy)}`,
    '',
    versions.length ? table(rows) : '(no versions in the registry)',
  ];
  for (const state of rollouts) {
    lines.push('', ...describeRollout(state, policy));
  }
  // What is stored but not applied yet, and why it is stuck: before the queue's failures, which it outlives.
  if (pending.length) lines.push('', ...pendingLines(pending));
  if (failures.length) {
    lines.push('', 'Recent failures (retried; after the last retry the message is in the DLQ):');
    for (const f of failures) lines.push(`  ${f.at}  ${f.event}  attempt ${f.receiveCount}: ${f.error}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Which policy governs the model, as the functions decide it (the same directory, the same rule). */
function governs(set: PolicySet, policy: Policy | undefined): string {
  if (set.problems.length > 0) {
    const files = [...new Set(set.problems.map((p) => p.file))].join(', ');
    return `no policy in force: the policies in ${set.dir} have problems (${files}), so Baton's functions refuse them all; run \`baton policy validate\``;
  }
  return policy ? `policy for ${policy.model}` : 'unmanaged (no policy matches)';
}

function describeRollout(state: VersionState, policy: Policy | undefined): string[] {
  const r = state.rollout!;
  const steps = policy?.rollout?.steps ?? [];
  const weights = Object.entries(r.weights)
    .map(([v, w]) => `v${v} ${w}%`)
    .join(' · ');
  const next = state.dueAt ? new Date(state.dueAt).toISOString() : '-';
  if (state.phase !== 'rolling_out') {
    return [
      `Rollout of v${state.version} on ${r.endpoint}: promoted; v${r.champion}'s variant is removed at ${next}`,
    ];
  }
  const lines = [
    `Rollout of v${state.version} on ${r.endpoint} (${r.kind}), champion ${r.champion ? `v${r.champion}` : 'none'}:`,
    r.waitingFor
      ? `  waiting for v${r.waitingFor}'s rollout to finish; next look ${next}`
      : `  step ${r.step + 1} of ${r.champion ? steps.length : 1} (${steps.join(' → ')} %): ${weights || '-'}`,
    `  ${r.paused ? `PAUSED by ${r.paused.by}: ${r.paused.reason}` : `next check ${next}`}; deadline ${new Date(r.deadline).toISOString()}`,
    `  watching alarms: ${r.alarms.join(', ') || '(none)'}`,
    // The canary analysis's latest verdict, with its rule table.
    ...analysisLines(r.lastAnalysis).map((line) => `  ${line}`),
  ];
  return lines;
}

/** `baton status`, as a commander command. */
export function statusCli(context: () => StatusDeps = cliContext): Command {
  const cmd = command('status', 'usage: baton status MODEL')
    .summary("every version of a model: Baton's phase, validation, aliases, failed checks, rollouts")
    .description(
      "Every version of MODEL: Baton's phase, validation_status, aliases and failed checks; a running rollout's step, weights, next check and alarms; the work stored on a version and not applied yet (effects left, events to decide, attempts, last error); and the most recent event failures. Reads TABLE_NAME and MLFLOW_TRACKING_URI, or the local stack.",
    )
    .argument('<model>', 'the registered model')
    .option(
      '--json',
      'print {"model", "policy", "policyProblems", "versions", "rollouts", "failures", "pending", "unavailable"}',
    )
    .addHelpText(
      'after',
      "\nRegistry down (refused, timed out, 5xx): the versions come from Baton's table, aliases and tags show\n'?', stderr says `registry unreachable (…): aliases and tags not shown`, and the exit code is still 0.",
    );
  return act(cmd, async (model: string, values: { json?: boolean }) => {
    const deps = context();
    const warn = (line: string) => process.stderr.write(`baton status: ${line}\n`);
    if (values.json) {
      const report = await statusReport(model, deps);
      for (const line of report.unavailable) warn(line);
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      process.stdout.write(await renderStatus(model, deps, warn));
    }
    return 0;
  });
}

/** Runs `baton status …args` (the arguments after `status`). */
export function statusCommand(args: string[], context: () => StatusDeps = cliContext): Promise<number> {
  return runCommand(statusCli(context), args);
}
