/**
 * `baton rollout pause|resume|abort|promote MODEL --as WHO [--version V] [--reason …]` and
 * `baton rollback MODEL --as WHO [--to VERSION] --reason …`: a person steers a rollout or rolls a
 * champion back. Queued like the Slack buttons, so exactly the same rules apply (resume, promote and
 * rollback --to need an approver; abort, pause and rollback anyone). Each then waits for the
 * worker's answer and prints it (`paused the rollout of …`, `refused: fraud has no rollout running`);
 * the exit code says which (cli/outcome.ts). `--wait S` or `--no-wait` set how long to wait.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ControlAction } from '../events/promotionEvent';
import { cliContext } from './context';
import { type AnswerContext, queueAndAnswer, waitOptions, waitSecondsOf, waitUsage } from './outcome';

const rolloutActions = ['pause', 'resume', 'abort', 'promote'] as const;

type ControlValues = {
  as?: string;
  version?: string;
  reason?: string;
  to?: string;
  wait?: string;
  'no-wait'?: boolean;
  json?: boolean;
};

async function queueControl(
  context: () => AnswerContext,
  action: ControlAction,
  model: string,
  values: ControlValues,
  queued: string,
): Promise<number> {
  for (const [flag, v] of [
    ['--version', values.version],
    ['--to', values.to],
  ] as const) {
    if (v !== undefined && !/^\d{1,12}$/.test(v)) throw new Error(`${flag} must be a version number`);
  }
  const waitSeconds = waitSecondsOf(values);
  const event = {
    type: 'control' as const,
    model,
    action,
    actor: values.as!,
    via: 'cli' as const,
    ...(values.version !== undefined && { version: values.version }),
    ...(values.to !== undefined && { to: values.to }),
    ...(values.reason !== undefined && { reason: values.reason }),
    deliveryId: `cli:${randomUUID()}`,
    receivedAt: new Date().toISOString(),
  };
  return queueAndAnswer(context(), event, { waitSeconds, json: values.json === true, queued });
}

const options = {
  as: { type: 'string' },
  version: { type: 'string' },
  reason: { type: 'string' },
  to: { type: 'string' },
  ...waitOptions,
} as const;

export async function rolloutCommand(
  args: string[],
  context: () => AnswerContext = cliContext,
): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options });
  const [action, model] = positionals;
  const usage = `usage: baton rollout pause|resume|abort|promote MODEL --as WHO [--version V] [--reason …] ${waitUsage}`;
  if (
    !rolloutActions.includes(action as (typeof rolloutActions)[number]) ||
    !model ||
    positionals.length !== 2 ||
    !values.as
  ) {
    throw new Error(usage);
  }
  return queueControl(
    context,
    action as ControlAction,
    model,
    values,
    `Queued: ${values.as} asks to ${action} the rollout of ${model}.`,
  );
}

export async function rollbackCommand(
  args: string[],
  context: () => AnswerContext = cliContext,
): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options });
  const [model] = positionals;
  if (!model || positionals.length !== 1 || !values.as || !values.reason) {
    throw new Error(`usage: baton rollback MODEL --as WHO [--to VERSION] --reason … ${waitUsage}`);
  }
  const target = values.to ? `v${values.to}` : 'the archive version';
  return queueControl(
    context,
    'rollback',
    model,
    values,
    `Queued: ${values.as} rolls ${model} back to ${target}.`,
  );
}
