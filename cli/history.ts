/**
 * `baton history MODEL`: every decision with its actor and evidence, oldest first, refusals included
 * (a refused decision or control reads `<action>: <reason>`).
 * `baton champion MODEL --at ISO-TIME`: which version held `champion` then, from the audit trail.
 * With `--json` each prints one JSON object instead: the audit entries, or the champion found.
 */
import type { Command } from 'commander';
import { analysisVerdictSchema } from '../events/analysisVerdict';
import { analysisLine, analysisRows } from '../lib/adapters/notify/analysisTable';
import { championAt, timeline } from '../lib/domain/history';
import type { PromotionStore } from '../lib/domain/ports';
import type { AuditEntry } from '../lib/domain/state';
import { cliContext } from './context';
import { act, command, runCommand } from './program';

type AuditContext = () => { store: Pick<PromotionStore, 'listAudit'> };

/** An entry's timeline line; a canary analysis's verdict follows it as its rule table. */
function withAnalysis(entry: AuditEntry): string[] {
  const [line] = timeline([entry]);
  const verdict = analysisVerdictSchema.safeParse(entry.evidence.analysis);
  if (!verdict.success) return [line!];
  const summary = analysisLine(verdict.data);
  const table = analysisRows(verdict.data);
  const extended =
    typeof entry.evidence.extended === 'string' ? `; bake extended (${entry.evidence.extended})` : '';
  return [`${line}  ${summary}${extended}: ${verdict.data.reason}`, ...table.map((row) => `    ${row}`)];
}

/** `baton history`, as a commander command. */
export function historyCli(context: AuditContext = cliContext): Command {
  const cmd = command('history', 'usage: baton history MODEL')
    .summary('every decision with its actor and evidence, oldest first, refusals included')
    .description(
      'Every decision about MODEL with its actor and evidence, oldest first, including every refusal (decision.refused, control.refused, rollback.refused) with its reason.',
    )
    .argument('<model>', 'the registered model')
    .option('--json', 'print {"model", "entries": [audit entries, oldest first]}');
  return act(cmd, async (model: string, values: { json?: boolean }) => {
    const audit = await context().store.listAudit(model);
    if (values.json) {
      const entries = [...audit].sort((a, b) => a.at.localeCompare(b.at));
      process.stdout.write(`${JSON.stringify({ model, entries }, null, 2)}\n`);
      return 0;
    }
    const lines = [...audit].sort((a, b) => a.at.localeCompare(b.at)).flatMap(withAnalysis);
    process.stdout.write(lines.length ? `${lines.join('\n')}\n` : `no decisions recorded for ${model}\n`);
    return 0;
  });
}

/** `baton champion`, as a commander command. */
export function championCli(context: AuditContext = cliContext): Command {
  const cmd = command('champion', 'usage: baton champion MODEL [--at ISO-TIME]')
    .summary('which version held champion at a time (default now), from the audit trail')
    .description(
      'Which version of MODEL held champion at that time (default now), since when and by whose decision, from the audit trail; exit 2 when none did.',
    )
    .argument('<model>', 'the registered model')
    .option('--at <iso-time>', 'the moment to ask about, e.g. 2026-11-17T14:03:00Z (default now)')
    .option('--json', 'print {"model", "at", "champion": {"version", "since", "kind", "by"} | null}');
  return act(cmd, async (model: string, values: { at?: string; json?: boolean }) => {
    const at = values.at === undefined ? new Date() : new Date(values.at);
    if (Number.isNaN(at.getTime()))
      throw new Error('--at must be an ISO 8601 time, e.g. 2026-11-17T14:03:00Z');
    const found = championAt(await context().store.listAudit(model), at);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ model, at: at.toISOString(), champion: found }, null, 2)}\n`);
    } else if (!found) {
      process.stdout.write(
        `${model} had no champion at ${at.toISOString()} (as far as Baton's audit trail records)\n`,
      );
    } else {
      process.stdout.write(
        `${model} v${found.version} was champion at ${at.toISOString()} (since ${found.since}, ${found.kind} by ${found.by})\n`,
      );
      if (found.binary) process.stdout.write(`${found.binary}\n`);
    }
    return found ? 0 : 2;
  });
}

/** Runs `baton history …args` (the arguments after `history`). */
export function historyCommand(args: string[], context: AuditContext = cliContext): Promise<number> {
  return runCommand(historyCli(context), args);
}

/** Runs `baton champion …args` (the arguments after `champion`). */
export function championCommand(args: string[], context: AuditContext = cliContext): Promise<number> {
  return runCommand(championCli(context), args);
}
