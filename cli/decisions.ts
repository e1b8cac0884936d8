/**
 * `baton approve|reject MODEL VERSION --as WHO [--reason …]`: a decision from the command line,
 * queued like a Slack click or a link, so exactly the same rules apply (approvers, quorum,
 * self-approval, expiry); `baton status` and `baton history` show the outcome.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cliContext } from './context';

export function decisionCommand(decision: 'approve' | 'reject') {
  return async (args: string[]): Promise<number> => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { as: { type: 'string' }, reason: { type: 'string' } },
    });
    const [model, version] = positionals;
    if (!model || !version || positionals.length !== 2 || !values.as) {
      throw new Error(`usage: baton ${decision} MODEL VERSION --as WHO [--reason …]`);
    }
    if (!/^\d{1,12}$/.test(version)) throw new Error('VERSION must be a version number');
    await cliContext().queue.enqueue({
      type: 'decision',
      model,
      version,
      decision,
      actor: values.as,
      via: 'cli',
      ...(values.reason !== undefined && { reason: values.reason }),
      deliveryId: `cli:${randomUUID()}`,
      receivedAt: new Date().toISOString(),
    });
    process.stdout.write(
      `Queued: ${values.as} ${decision}s ${model} v${version}. See \`baton history ${model}\` for the outcome.\n`,
    );
    return 0;
  };
}
