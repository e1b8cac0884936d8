/**
 * `baton history MODEL`: every decision with its actor and evidence, oldest first, refusals included
 * (a refused decision or control reads `<action>: <reason>`).
 * `baton champion MODEL --at ISO-TIME`: which version held `champion` then, from the audit trail.
 */
import { parseArgs } from 'node:util';
import { championAt, timeline } from '../lib/domain/history';
import type { PromotionStore } from '../lib/promotion/ports';
import { cliContext } from './context';

export async function historyCommand(
  args: string[],
  context: () => { store: Pick<PromotionStore, 'listAudit'> } = cliContext,
): Promise<number> {
  const [model, ...rest] = args;
  if (!model || rest.length) throw new Error('usage: baton history MODEL');
  const lines = timeline(await context().store.listAudit(model));
  process.stdout.write(lines.length ? `${lines.join('\n')}\n` : `no decisions recorded for ${model}\n`);
  return 0;
}

export async function championCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { at: { type: 'string' } },
  });
  const [model] = positionals;
  if (!model || positionals.length !== 1) throw new Error('usage: baton champion MODEL [--at ISO-TIME]');
  const at = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(at.getTime())) throw new Error('--at must be an ISO 8601 time, e.g. 2026-11-17T14:03:00Z');
  const found = championAt(await cliContext().store.listAudit(model), at);
  if (!found) {
    process.stdout.write(
      `${model} had no champion at ${at.toISOString()} (as far as Baton's audit trail records)\n`,
    );
    return 2;
  }
  process.stdout.write(
    `${model} v${found.version} was champion at ${at.toISOString()} (since ${found.since}, ${found.kind} by ${found.by})\n`,
  );
  return 0;
}
