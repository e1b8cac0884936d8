/**
 * `baton status MODEL`: every version of a model with Baton's phase, the registry's
 * validation_status and aliases, and the failed checks; then the last recorded event failures.
 */
import type { Policy } from '../lib/domain/policy';
import type { VersionState } from '../lib/domain/state';
import type { PolicySet } from '../lib/policy/policyLookup';
import { loadPolicySet, policyFor, resolvePoliciesDir } from '../lib/policy/policySet';
import type { ModelRegistry, ModelVersionInfo, PromotionStore } from '../lib/promotion/ports';
import { cliContext } from './context';

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

export async function renderStatus(
  model: string,
  deps: { store: PromotionStore; registry: ModelRegistry; policiesDir?: string },
): Promise<string> {
  const [states, versions, failures] = await Promise.all([
    deps.store.listVersions(model),
    allVersions(deps.registry, model),
    deps.store.listFailures(model, 5),
  ]);
  const set = loadPolicySet(deps.policiesDir ?? resolvePoliciesDir());
  // The functions refuse a set with any problem (fail closed): then no policy governs anything.
  const policy = set.problems.length > 0 ? undefined : policyFor(set.policies, model);
  const statusTag = policy?.tags.validationStatus ?? 'validation_status';
  const byVersion = new Map(states.map((s) => [s.version, s]));
  const rows = [['VERSION', 'PHASE', 'VALIDATION', 'ALIASES', 'FAILED CHECKS']];
  for (const v of versions.sort((a, b) => Number(b.version) - Number(a.version))) {
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
  for (const state of states.filter((s) => s.rollout && (s.phase === 'rolling_out' || s.rollout.cleanupAt))) {
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

export async function statusCommand(args: string[]): Promise<number> {
  const [model, ...rest] = args;
  if (!model || rest.length) throw new Error('usage: baton status MODEL');
  process.stdout.write(await renderStatus(model, cliContext()));
  return 0;
}
