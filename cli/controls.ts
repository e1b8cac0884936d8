/**
 * `baton rollout pause|resume|abort|promote MODEL --as WHO [--version V] [--reason …]` and
 * `baton rollback MODEL --as WHO [--to VERSION] --reason …`: a person steers a rollout or rolls a
 * champion back. Queued like the Slack buttons, so exactly the same rules apply (resume and
 * promote need an approver; abort, pause and rollback anyone); `baton status` shows the result.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ControlAction } from '../events/promotionEvent';
import { cliContext } from './context';

const rolloutActions = ['pause', 'resume', 'abort', 'promote'] as const;

async function queueControl(
  action: ControlAction,
  model: string,
  values: { as?: string; version?: string; reason?: string; to?: string },
): Promise<void> {
  for (const [flag, v] of [
    ['--version', values.version],
    ['--to', values.to],
  ] as const) {
    if (v !== undefined && !/^\d{1,12}$/.test(v)) throw new Error(`${flag} must be a version number`);
  }
  await cliContext().queue.enqueue({
    type: 'control',
    model,
    action,
    actor: values.as!,
    via: 'cli',
    ...(values.version !== undefined && { version: values.version }),
    ...(values.to !== undefined && { to: values.to }),
    ...(values.reason !== undefined && { reason: values.reason }),
    deliveryId: `cli:${randomUUID()}`,
    receivedAt: new Date().toISOString(),
  });
}

const options = {
  as: { type: 'string' },
  version: { type: 'string' },
  reason: { type: 'string' },
  to: { type: 'string' },
} as const;

export async function rolloutCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options });
  const [action, model] = positionals;
  const usage = 'usage: baton rollout pause|resume|abort|promote MODEL --as WHO [--version V] [--reason …]';
  if (
    !rolloutActions.includes(action as (typeof rolloutActions)[number]) ||
    !model ||
    positionals.length !== 2 ||
    !values.as
  ) {
    throw new Error(usage);
  }
  await queueControl(action as ControlAction, model, values);
  process.stdout.write(
    `Queued: ${values.as} asks to ${action} the rollout of ${model}. See \`baton status ${model}\`.\n`,
  );
  return 0;
}

export async function rollbackCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options });
  const [model] = positionals;
  if (!model || positionals.length !== 1 || !values.as || !values.reason) {
    throw new Error('usage: baton rollback MODEL --as WHO [--to VERSION] --reason …');
  }
  await queueControl('rollback', model, values);
  const target = values.to ? `v${values.to}` : 'the archive version';
  process.stdout.write(
    `Queued: ${values.as} rolls ${model} back to ${target}. See \`baton history ${model}\`.\n`,
  );
  return 0;
}
