/**
 * `baton promote MODEL VERSION --to ENV --as WHO`: asks for the copy of a version's exact binary
 * to the policy's other environment by hand (lib/domain/copyDecision.ts). Queued like every
 * person's control, so the same rules apply: an approver of the source policy, a version whose
 * checks passed, the environment the policy names. Waits for the worker's answer and prints it.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { cliContext } from './context';
import { type AnswerContext, queueAndAnswer, waitOptions, waitUsage } from './outcome';
import { act, command } from './program';

type PromoteValues = { to: string; as: string; reason?: string; json?: boolean };

/** `baton promote`, as a commander command. */
export function promoteCli(context: () => AnswerContext = cliContext): Command {
  const cmd = command(
    'promote',
    `usage: baton promote MODEL VERSION --to ENV --as WHO [--reason …] ${waitUsage}`,
  )
    .summary("copy a version's exact binary to the policy's next environment (approvers only)")
    .description(
      "Copy VERSION of MODEL to the environment its policy's promote.copyTo names (ENV: that registry's name, or the destination model), proven by a SHA-256 digest on both sides; prints e.g. 'copying staging.models.fraud v7 to prod.models.fraud in registry prod (asked by ana)' or 'refused: …'.",
    )
    .argument('<model>', 'the source registered model')
    .argument('<version>', 'its version number')
    .requiredOption(
      '--to <env>',
      'the destination environment: the registry named in the policy (or the destination model)',
    )
    .requiredOption('--as <who>', 'who asks: a person of the people files, an e-mail address or a Slack id')
    .option('--reason <text>', 'why, recorded in the audit trail');
  const waitSeconds = waitOptions(cmd);
  return act(cmd, async (model: string, version: string, values: PromoteValues) => {
    if (!/^\d{1,12}$/.test(version)) throw new Error('VERSION must be a version number');
    const event = {
      type: 'control' as const,
      model,
      version,
      action: 'copy' as const,
      environment: values.to,
      actor: values.as,
      via: 'cli' as const,
      ...(values.reason !== undefined && { reason: values.reason }),
      deliveryId: `cli:${randomUUID()}`,
      receivedAt: new Date().toISOString(),
    };
    return queueAndAnswer(context(), event, {
      waitSeconds: waitSeconds(),
      json: values.json === true,
      queued: `Queued: ${values.as} asks to promote ${model} v${version} to ${values.to}.`,
    });
  });
}
