/**
 * How every `baton` command runs on commander: actions return the exit code (rather than calling
 * process.exit, so tests call `main` in-process), commander's own usage errors (a missing argument,
 * an unknown option or subcommand) exit 2 like the commands' own checks, and an error thrown by an
 * action prints `baton <command>: <message>` on stderr and exits 2 — the codes of cli/outcome.ts.
 *
 * @example
 *   const status = act(new Command('status').argument('<model>'), async (model) => 0);
 *   await runProgram(new Command('baton').addCommand(status), ['status', 'fraud']); // 0
 */
import { Command, CommanderError } from 'commander';
import { ExitCode } from './outcome';

/** The exit code each run's action returned, kept on the root command of that run. */
const exitCodes = new WeakMap<Command, number>();

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

/**
 * Sets `run` as the command's action; its result becomes the process's exit code. `run` gets the
 * command's arguments in order, then its options, as commander passes them.
 *
 * @example
 *   act(new Command('history').argument('<model>'), async (model: string) => 0);
 */
// biome-ignore lint/suspicious/noExplicitAny: commander passes the arguments untyped.
export function act(command: Command, run: (...args: any[]) => Promise<number>): Command {
  return command.action(async (...args: unknown[]) => {
    exitCodes.set(rootOf(command), await run(...args));
  });
}

/** The usage line each command has always printed after a usage error. */
const usages = new WeakMap<Command, string>();

/**
 * A command that prints, after any usage error, the usage line the CLI has always printed (and
 * where its full help is).
 *
 * @example
 *   const status = command('status', 'usage: baton status MODEL');
 */
export function command(name: string, usage: string): Command {
  const cmd = new Command(name);
  usages.set(cmd, usage);
  return cmd;
}

/** Every command of the tree: exit codes instead of process.exit, errors named after the command. */
function configure(cmd: Command, path: string[]): void {
  const name = ['baton', ...path].join(' ');
  cmd.exitOverride();
  cmd.configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, `${name}: `)) });
  const usage = usages.get(cmd);
  cmd.showHelpAfterError(usage ? `${usage}\n(\`${name} --help\` says more)` : path.length === 0);
  for (const sub of cmd.commands) configure(sub, [...path, sub.name()]);
}

/**
 * Parses `argv` (the arguments after `baton`) and runs the command it names; returns the exit code.
 *
 * @example
 *   process.exitCode = await runProgram(program, process.argv.slice(2));
 */
export async function runProgram(program: Command, argv: string[]): Promise<number> {
  configure(program, []);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCodes.get(program) ?? ExitCode.Applied;
  } catch (error) {
    // Commander has already printed its message (or the help, on `--help`: exit 0).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : ExitCode.Usage;
    process.stderr.write(`baton ${argv[0]}: ${(error as Error).message}\n`);
    return ExitCode.Usage;
  }
}

/**
 * Runs one command on its own, as `baton <name> …args` would (the commands' own entry points,
 * which tests call with an injected context).
 *
 * @example
 *   await runCommand(historyCli(context), ['fraud']);
 */
export function runCommand(cmd: Command, args: string[]): Promise<number> {
  return runProgram(new Command('baton').addCommand(cmd), [cmd.name(), ...args]);
}
