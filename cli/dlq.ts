/**
 * `baton dlq list` and `baton dlq redrive`: what Baton gave up on, and sending it back once the
 * cause is fixed. Each DLQ has a CloudWatch alarm (serverless.yml) announced on the notifications
 * topic; this is what the operator runs next.
 *
 * @example
 *   npx baton dlq list --json
 *   npx baton dlq redrive --queue promotion --max 10
 */
import type { Command } from 'commander';
import { DeadLetterError } from '../lib/adapters/queue/errors';
import { describeDeadLetter } from '../lib/app/deadLetterSummary';
import { type DeadLetterDeps, listDeadLetters, redriveDeadLetters } from '../lib/app/deadLetters';
import { cliContext } from './context';
import { ExitCode } from './outcome';
import { act, command, runCommand } from './program';

type DlqContext = () => DeadLetterDeps;

const defaultLimit = 20;

function count(value: string | undefined, option: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new Error(`${option} must be a whole number ≥ 1, e.g. ${option} 10`);
  return Number(value);
}

function listCli(context: DlqContext): Command {
  const cmd = command('list', 'usage: baton dlq list [--limit N] [--json]')
    .summary('every dead-letter queue: its depth, and what each message is and why it is there')
    .description(
      "Every dead-letter queue of the deployment with its depth, and for each message (up to --limit per queue): the model, version and event type its body names, its receive count, when it was first received and last failed, and why (the worker's last recorded error for that message). Looking consumes nothing: each message is visible again at once. A FIFO DLQ shows the first message of each model's group; the rest wait behind it.",
    )
    .option('--limit <n>', `messages shown per queue (default ${defaultLimit})`)
    .option('--json', 'print {"queues": [{"queue", "source", "depth", "inFlight", "messages": [...]}]}')
    .addHelpText(
      'after',
      '\nExit codes: 0 listed (empty or not) · 2 usage error, or the queues could not be read.',
    );
  return act(cmd, async (values: { limit?: string; json?: boolean }) => {
    const limit = count(values.limit, '--limit', defaultLimit)!;
    const queues = await listDeadLetters(context(), { limit });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ queues }, null, 2)}\n`);
      return ExitCode.Applied;
    }
    if (!queues.length) process.stdout.write('no dead-letter queues found\n');
    for (const q of queues) {
      const back = q.source ? `redrive → ${q.source}` : 'no source queue (SNS subscription DLQ)';
      process.stdout.write(
        `${q.queue}: ${q.depth} message(s)${q.inFlight ? `, ${q.inFlight} in flight` : ''}; ${back}\n`,
      );
      for (const m of q.messages) {
        process.stdout.write(
          `  ${describeDeadLetter(m)}  receives ${m.receiveCount}, first ${m.firstReceivedAt ?? '-'}, last failed ${m.lastReceivedAt ?? '-'}\n    why: ${m.why ?? 'unknown (no failure recorded for this message)'}\n`,
        );
      }
    }
    return ExitCode.Applied;
  });
}

function redriveCli(context: DlqContext): Command {
  const cmd = command('redrive', 'usage: baton dlq redrive [--queue NAME] [--max N] [--json]')
    .summary('send dead letters back to the queue they came from')
    .description(
      "Sends the messages of a dead-letter queue (--queue: its name or short name, e.g. promotion or alarms; default every DLQ that holds messages) back to its source queue. Without --max, SQS's own redrive (a move task, in the background) is used where SQS offers it; with --max, or where it does not (the local emulator), Baton moves at most N messages itself: receive, send to the source (FIFO: the same message group, a fresh deduplication id), and delete only after the send succeeded. Fix the cause first (`baton dlq list` says why), or the messages fail again and return.",
    )
    .option('--queue <name>', 'the DLQ: its name or short name (promotion, alarms, notifications)')
    .option('--max <n>', 'move at most N messages per queue (a bounded move, not a move task)')
    .option('--json', 'print {"redriven": [{"queue", "source", "result": {"method", "moved", …}}]}')
    .addHelpText(
      'after',
      '\nExit codes: 0 sent back (or a move task started) · 1 refused or stopped early (the reason is printed;\nwhat was not moved stays in the DLQ) · 2 usage error, unknown queue, or the queues could not be read.',
    );
  return act(cmd, async (values: { queue?: string; max?: string; json?: boolean }) => {
    const max = count(values.max, '--max');
    let redriven: Awaited<ReturnType<typeof redriveDeadLetters>>;
    try {
      redriven = await redriveDeadLetters(context(), { queue: values.queue, max });
    } catch (error) {
      if (!(error instanceof DeadLetterError)) throw error;
      process.stdout.write(`refused: ${(error as Error).message}\n`);
      return ExitCode.Refused;
    }
    const stopped = redriven.some((r) => r.result.stoppedBy);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ redriven }, null, 2)}\n`);
      return stopped ? ExitCode.Refused : ExitCode.Applied;
    }
    if (!redriven.length) process.stdout.write('nothing to redrive: every dead-letter queue is empty\n');
    for (const { queue, source, result } of redriven) {
      const how =
        result.method === 'move-task'
          ? `SQS move task started for ${result.moved} message(s)${result.taskHandle ? ` (task ${result.taskHandle})` : ''}`
          : `moved ${result.moved} message(s)`;
      process.stdout.write(`${queue} → ${source}: ${how}\n`);
      if (result.stoppedBy)
        process.stdout.write(`  stopped early: ${result.stoppedBy}; the rest stays in ${queue}\n`);
    }
    return stopped ? ExitCode.Refused : ExitCode.Applied;
  });
}

/** `baton dlq`, as a commander command with its two subcommands. */
export function dlqCli(context: DlqContext = cliContext): Command {
  return command('dlq', 'usage: baton dlq list|redrive …')
    .summary('dead-letter queues: list what is there and why, redrive it')
    .description(
      'What Baton gave up on after every retry (each DLQ has a CloudWatch alarm), and sending it back.',
    )
    .addCommand(listCli(context))
    .addCommand(redriveCli(context));
}

/** Runs `baton dlq …args` (the arguments after `dlq`). */
export function dlqCommand(args: string[], context: DlqContext = cliContext): Promise<number> {
  return runCommand(dlqCli(context), args);
}
