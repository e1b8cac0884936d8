/**
 * `baton rollout pause|resume|abort|promote MODEL --as WHO [--version V] [--reason …]` and
 * `baton rollback MODEL --as WHO [--to VERSION] --reason …`: a person steers a rollout or rolls a
 * champion back. Queued like the Slack buttons, so exactly the same rules apply (resume, promote and
 * rollback --to need an approver; abort, pause and rollback anyone). Each then waits for the
 * worker's answer and prints it (`paused the rollout of …`, `refused: fraud has no rollout running`);
 * the exit code says which (cli/outcome.ts). `--wait S` or `--no-wait` set how long to wait.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { ControlAction } from '../events/promotionEvent';
import { cliContext } from './context';
import { type AnswerContext, queueAndAnswer, waitOptions, waitUsage } from './outcome';
import { act, command, runCommand } from './program';

type ControlValues = { as: string; version?: string; reason?: string; to?: string; json?: boolean };

async function queueControl(
  context: () => AnswerContext,
  action: ControlAction,
  model: string,
  values: ControlValues,
  waitSeconds: () => number,
  queued: string,
): Promise<number> {
  for (const [flag, v] of [
    ['--version', values.version],
    ['--to', values.to],
  ] as const) {
    if (v !== undefined && !/^\d{1,12}$/.test(v)) throw new Error(`${flag} must be a version number`);
  }
  const wait = waitSeconds();
  const event = {
    type: 'control' as const,
    model,
    action,
    actor: values.as,
    via: 'cli' as const,
    ...(values.version !== undefined && { version: values.version }),
    ...(values.to !== undefined && { to: values.to }),
    ...(values.reason !== undefined && { reason: values.reason }),
    deliveryId: `cli:${randomUUID()}`,
    receivedAt: new Date().toISOString(),
  };
  return queueAndAnswer(context(), event, { waitSeconds: wait, json: values.json === true, queued });
}

const rolloutUsage = `usage: baton rollout pause|resume|abort|promote MODEL --as WHO [--version V] [--reason …] ${waitUsage}`;

/** What each rollout control does, and who may use it (the same rules as the Slack buttons). */
const rolloutActions = {
  pause: 'hold the canary at its current step (anyone)',
  resume: 'continue a paused canary (approvers only)',
  abort: 'send all traffic back to the champion and end the rollout (anyone)',
  promote: 'skip the remaining steps: the challenger takes all traffic (approvers only)',
} as const;

/** `baton rollout pause|resume|abort|promote`, as a commander command with one subcommand each. */
export function rolloutCli(context: () => AnswerContext = cliContext): Command {
  const rollout = command('rollout', rolloutUsage)
    .summary('steer the running canary of a model: pause, resume, abort or promote')
    .description(
      "Steer the running canary of MODEL, with the same rules as the Slack buttons, then wait for the worker's answer and print it, e.g. 'paused the rollout of fraud v7' or 'refused: fraud has no rollout running'.",
    );
  for (const [action, summary] of Object.entries(rolloutActions)) {
    const cmd = command(action, rolloutUsage)
      .description(summary)
      .argument('<model>', 'the model whose rollout to steer')
      .requiredOption('--as <who>', 'who asks: a person of the people files, an e-mail address or a Slack id')
      .option('--version <v>', 'the version rolling out (default: the one rolling out)')
      .option('--reason <text>', 'why, recorded in the audit trail');
    const waitSeconds = waitOptions(cmd);
    rollout.addCommand(
      act(cmd, async (model: string, values: ControlValues) =>
        queueControl(
          context,
          action as ControlAction,
          model,
          values,
          waitSeconds,
          `Queued: ${values.as} asks to ${action} the rollout of ${model}.`,
        ),
      ),
    );
  }
  return rollout;
}

/** `baton rollback`, as a commander command. */
export function rollbackCli(context: () => AnswerContext = cliContext): Command {
  const cmd = command(
    'rollback',
    `usage: baton rollback MODEL --as WHO [--to VERSION] --reason … ${waitUsage}`,
  )
    .summary('roll the champion back to the archive version (or --to VERSION)')
    .description(
      "Roll the champion of MODEL back to the archive version (or VERSION, approvers only): traffic first, then aliases; refused when the target failed validation or was itself rolled back. Prints e.g. 'rolled back fraud to v3' or 'refused: …'.",
    )
    .argument('<model>', 'the model to roll back')
    .requiredOption('--as <who>', 'who asks: a person of the people files, an e-mail address or a Slack id')
    .requiredOption('--reason <text>', 'why, recorded in the audit trail and the registry tags')
    .option('--to <version>', 'the version to roll back to (approvers only; default: the archive version)');
  const waitSeconds = waitOptions(cmd);
  return act(cmd, async (model: string, values: ControlValues) => {
    const target = values.to ? `v${values.to}` : 'the archive version';
    return queueControl(
      context,
      'rollback',
      model,
      values,
      waitSeconds,
      `Queued: ${values.as} rolls ${model} back to ${target}.`,
    );
  });
}

/** Runs `baton rollout …args` (the arguments after `rollout`). */
export function rolloutCommand(args: string[], context: () => AnswerContext = cliContext): Promise<number> {
  return runCommand(rolloutCli(context), args);
}

/** Runs `baton rollback …args` (the arguments after `rollback`). */
export function rollbackCommand(args: string[], context: () => AnswerContext = cliContext): Promise<number> {
  return runCommand(rollbackCli(context), args);
}
