/**
 * `baton status MODEL`: every version of a model with Baton's phase, the registry's
 * validation_status and aliases, and the failed checks; then the last recorded event failures.
 * With `--json`, the same facts as one JSON object (`statusReport`).
 */
import type { Command } from 'commander';
import type { PolicySet } from '../lib/adapters/policy/policyLookup';
import { loadPolicySet, policyFor, resolvePoliciesDir } from '../lib/adapters/policy/policySet';
import type { Policy } from '../lib/domain/policy';
import type { EventFailure, ModelRegistry, ModelVersionInfo, PromotionStore } from '../lib/domain/ports';
import type { VersionState } from '../lib/domain/state';
import { cliContext } from './context';
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
    aliases: string[];
    failedChecks: Array<{ id: string; reason: string }>;
  }>;
  /** Running rollouts, and promoted ones whose old variant is still to be removed. */
  rollouts: Array<{ version: string; phase: string; dueAt: string | null; rollout: VersionState['rollout'] }>;
  failures: EventFailure[];
}

async function gather(model: string, deps: StatusDeps) {
  const [states, versions, failures] = await Promise.all([
    deps.store.listVersions(model),
    allVersions(deps.registry, model),
    deps.store.listFailures(model, 5),
  ]);
  const set = loadPolicySet(deps.policiesDir ?? resolvePoliciesDir());
  // The functions refuse a set with any problem (fail closed): then no policy governs anything.
  const policy = set.problems.length > 0 ? undefined : policyFor(set.policies, model);
  const byVersion = new Map(states.map((s) => [s.version, s]));
  const rollouts = states.filter((s) => s.rollout && (s.phase === 'rolling_out' || s.rollout.cleanupAt));
  versions.sort((a, b) => Number(b.version) - Number(a.version));
  return { set, policy, versions, byVersion, rollouts, failures };
}

/**
 * The status of every version of `model`, as data.
 *
 * @example
 *   (await statusReport('fraud', cliContext())).versions[0]; // { version: '7', phase: 'rolling_out', … }
 */
export async function statusReport(model: string, deps: StatusDeps): Promise<StatusReport> {
  const { set, policy, versions, byVersion, rollouts, failures } = await gather(model, deps);
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
        aliases: v.aliases,
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
  };
}

export async function renderStatus(model: string, deps: StatusDeps): Promise<string> {
  const { set, policy, versions, byVersion, rollouts, failures } = await gather(model, deps);
  const statusTag = policy?.tags.validationStatus ?? 'validation_status';
  const rows = [['VERSION', 'PHASE', 'VALIDATION', 'ALIASES', 'FAILED CHECKS']];
  for (const v of versions) {
    const state = byVersion.get(v.version);
    const failed = (state?.checks ?? []).filter((c) => !c.passed).map((c) => c.reason);
    rows.push([
      v.version,
      state?.phase ?? '(no record)',
      v.tags[statusTag] ?? '-',
      v.aliases.join(',') || '-',
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
  ];
  return lines;
}

/** `baton status`, as a commander command. */
export function statusCli(context: () => StatusDeps = cliContext): Command {
  const cmd = command('status', 'usage: baton status MODEL')
    .summary("every version of a model: Baton's phase, validation, aliases, failed checks, rollouts")
    .description(
      "Every version of MODEL: Baton's phase, validation_status, aliases and failed checks; a running rollout's step, weights, next check and alarms; and the most recent event failures. Reads TABLE_NAME and MLFLOW_TRACKING_URI, or the local stack.",
    )
    .argument('<model>', 'the registered model')
    .option('--json', 'print {"model", "policy", "policyProblems", "versions", "rollouts", "failures"}');
  return act(cmd, async (model: string, values: { json?: boolean }) => {
    const deps = context();
    process.stdout.write(
      values.json
        ? `${JSON.stringify(await statusReport(model, deps), null, 2)}\n`
        : await renderStatus(model, deps),
    );
    return 0;
  });
}

/** Runs `baton status …args` (the arguments after `status`). */
export function statusCommand(args: string[], context: () => StatusDeps = cliContext): Promise<number> {
  return runCommand(statusCli(context), args);
}
