/**
 * `baton`: the operator CLI. Each command is a module in cli/ that builds its commander command
 * (`…Cli()`) and keeps a `…Command(args)` entry point; cli/program.ts runs them and maps the result
 * to the exit codes of cli/outcome.ts.
 *
 * Why commander (over citty and clipanion): it has no dependencies and is about 250 KB installed;
 * it is the most used of the three, with the longest record and several releases a year (14.x is
 * the line that supports Node 20, which package.json's engines allow; 15 needs Node 22.12); its
 * typings ship in the package and it loads as ESM; nested subcommands (`baton rollout pause`,
 * `baton policy validate`) get their own `--help`, usage line and usage errors with no extra code;
 * and `exitOverride()` lets us keep our own exit codes and run `main` in-process in tests. citty is
 * still 0.x, with thin help for nested commands, and its `runMain` exits the process itself;
 * clipanion's class-per-command style is heavier, and its 4.0 has only had release candidates.
 * The CLI is never bundled into a Lambda, so its size costs nothing at cold start.
 *
 * @example
 *   npx baton inspect --source mlflow payload.json --secret s3cret --header 'X-MLflow-Signature: v1,…'
 *   npx baton rollout pause --help
 */
import { Command } from 'commander';
import { rollbackCli, rolloutCli } from './controls';
import { decisionCli } from './decisions';
import { dlqCli } from './dlq';
import { championCli, historyCli } from './history';
import { inspectCli } from './inspect';
import { defaultWaitSeconds } from './outcome';
import { policyCli } from './policy';
import { runProgram } from './program';
import { promoteCli } from './promote';
import { statusCli } from './status';

export const exitCodes = `Exit codes:
  0  applied or OK (with --no-wait: queued; inspect: the ingress would accept the request)
  1  refused: the reason is printed and recorded in \`baton history\` (approve, reject, rollout, rollback)
  2  usage error, or Baton could not be reached (the message says what); also policy validate
     finding a problem, inspect judging the request unacceptable, champion finding none
  3  no answer within the wait: the decision is still queued and will be decided
Registry down (refused, timed out, 5xx): status, history and champion still answer from Baton's table
and exit as usual (status 0); status says on stderr what it could not read, e.g.
\`registry unreachable (…): aliases and tags not shown\`. dlq redrive exits 1 when refused or stopped
early (what was not moved stays in the DLQ).`;

const guide = `
approve, reject, rollout and rollback wait for the worker's answer (default ${defaultWaitSeconds} s; --wait
SECONDS, or --no-wait to return once queued). --json prints machine-readable output for status,
history, champion, inspect (always JSON), approve, reject, rollout, rollback, dlq list and dlq redrive.
status, history and champion keep answering from Baton's table while the registry is down.
Against the local stack no setup is needed (npm start writes .baton/local.json); against AWS set
TABLE_NAME, MLFLOW_TRACKING_URI (MLFLOW_TRACKING_TOKEN, REGISTRY_FLAVOR) and PROMOTION_QUEUE_URL.

${exitCodes}

\`baton <command> --help\` (or \`baton help <command>\`) describes each command and its options.
`;

/** The whole CLI: every command, with the exit codes in its help. */
export function program(): Command {
  return new Command('baton')
    .description("the model-promotion controller's operator CLI")
    .addHelpText('after', guide)
    .addCommand(statusCli())
    .addCommand(historyCli())
    .addCommand(championCli())
    .addCommand(decisionCli('approve'))
    .addCommand(decisionCli('reject'))
    .addCommand(rolloutCli())
    .addCommand(rollbackCli())
    .addCommand(promoteCli())
    .addCommand(dlqCli())
    .addCommand(policyCli())
    .addCommand(inspectCli());
}

export async function main(argv: string[]): Promise<number> {
  const cli = program();
  const [name] = argv;
  // Names the unknown command as the CLI always has, then the help, on stderr.
  if (name && !name.startsWith('-') && name !== 'help' && !cli.commands.some((c) => c.name() === name)) {
    process.stderr.write(`baton: unknown command ${name}\n\n${cli.helpInformation()}`);
    return 2;
  }
  return runProgram(cli, argv);
}
