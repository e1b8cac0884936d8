/**
 * `baton approve|reject MODEL VERSION --as WHO [--reason …] [--wait S | --no-wait] [--json]`: a
 * decision from the command line, queued like a Slack click or a link, so exactly the same rules
 * apply (approvers, quorum, self-approval, expiry). It then waits for the worker's answer and prints
 * it (`approved by bob (1 of 2)`, `refused: …`); the exit code says which (cli/outcome.ts).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cliContext } from './context';
import { type AnswerContext, queueAndAnswer, waitOptions, waitSecondsOf, waitUsage } from './outcome';

export function decisionCommand(decision: 'approve' | 'reject', context: () => AnswerContext = cliContext) {
  return async (args: string[]): Promise<number> => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { as: { type: 'string' }, reason: { type: 'string' }, ...waitOptions },
    });
    const [model, version] = positionals;
    if (!model || !version || positionals.length !== 2 || !values.as) {
      throw new Error(`usage: baton ${decision} MODEL VERSION --as WHO [--reason …] ${waitUsage}`);
    }
    if (!/^\d{1,12}$/.test(version)) throw new Error('VERSION must be a version number');
    const waitSeconds = waitSecondsOf(values);
    const event = {
      type: 'decision' as const,
      model,
      version,
      decision,
      actor: values.as,
      via: 'cli' as const,
      ...(values.reason !== undefined && { reason: values.reason }),
      deliveryId: `cli:${randomUUID()}`,
      receivedAt: new Date().toISOString(),
    };
    return queueAndAnswer(context(), event, {
      waitSeconds,
      json: values.json === true,
      queued: `Queued: ${values.as} ${decision}s ${model} v${version}.`,
    });
  };
}
