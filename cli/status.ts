/**
 * `baton status MODEL`: every version of a model with Baton's phase, the registry's
 * validation_status and aliases, and the failed checks; then the last recorded event failures.
 */
import { loadPolicySet, policyFor } from '../lib/policy/policySet';
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
  const policy = policyFor(loadPolicySet(deps.policiesDir ?? 'policies').policies, model);
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
    `${model}: ${policy ? `policy for ${policy.model}` : 'unmanaged (no policy matches)'}`,
    '',
    versions.length ? table(rows) : '(no versions in the registry)',
  ];
  if (failures.length) {
    lines.push('', 'Recent failures (retried; after the last retry the message is in the DLQ):');
    for (const f of failures) lines.push(`  ${f.at}  ${f.event}  attempt ${f.receiveCount}: ${f.error}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function statusCommand(args: string[]): Promise<number> {
  const [model, ...rest] = args;
  if (!model || rest.length) throw new Error('usage: baton status MODEL');
  process.stdout.write(await renderStatus(model, cliContext()));
  return 0;
}
