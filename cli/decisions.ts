/**
 * `baton approve|reject MODEL VERSION --as WHO [--reason …] [--wait S | --no-wait] [--json]`: a
 * decision from the command line, queued like a Slack click or a link, so exactly the same rules
 * apply (approvers, quorum, self-approval, expiry). It then waits for the worker's answer and prints
 * it (`approved by bob (1 of 2)`, `refused: …`); the exit code says which (cli/outcome.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { cliContext } from './context';
import { type AnswerContext, queueAndAnswer, waitOptions, waitUsage } from './outcome';
import { act, command, runCommand } from './program';

const describe = {
  approve: 'approve a version waiting for approval (the same rules as Slack clicks and links)',
  reject: 'reject a version waiting for approval: it will not be promoted',
};

/** `baton approve` or `baton reject`, as a commander command. */
export function decisionCli(
  decision: 'approve' | 'reject',
  context: () => AnswerContext = cliContext,
): Command {
  const cmd = command(decision, `usage: baton ${decision} MODEL VERSION --as WHO [--reason …] ${waitUsage}`)
    .summary(describe[decision])
    .description(
      `${describe[decision]}, then wait for the worker's answer and print it: 'approved by bob (1 of 2)', 'rejected by bob: …' or 'refused: <reason>'.`,
    )
    .argument('<model>', 'the registered model')
    .argument('<version>', 'its version number')
    .requiredOption(
      '--as <who>',
      'who decides: a person of the people files, an e-mail address or a Slack id',
    )
    .option('--reason <text>', 'why, recorded in the audit trail');
  const waitSeconds = waitOptions(cmd);
  return act(
    cmd,
    async (model: string, version: string, values: { as: string; reason?: string; json?: boolean }) => {
      if (!/^\d{1,12}$/.test(version)) throw new Error('VERSION must be a version number');
      const wait = waitSeconds();
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
        waitSeconds: wait,
        json: values.json === true,
        queued: `Queued: ${values.as} ${decision}s ${model} v${version}.`,
      });
    },
  );
}

/** Runs `baton approve|reject …args` (the arguments after the command's name). */
export function decisionCommand(decision: 'approve' | 'reject', context: () => AnswerContext = cliContext) {
  return (args: string[]): Promise<number> => runCommand(decisionCli(decision, context), args);
}
