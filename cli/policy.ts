/**
 * `baton policy validate [DIR]`: checks every policy file and people file in DIR (default
 * `policies`) exactly as the functions load them. Prints each problem as `file: path: message
 * (line N)` and exits 2, or `N policies and M people OK` with each model pattern in the order
 * matching tries them and the people each people file names, and exits 0.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatProblem } from '../lib/adapters/policy/errors';
import { byPrecedence } from '../lib/adapters/policy/policySet';
import { loadPolicySet } from '../lib/wiring/policyFiles';
import { act, command, runCommand } from './program';

const usage = 'usage: baton policy validate [DIR]';

/** `baton policy validate`, as a commander command (`policy` holds the subcommand). */
export function policyCli(): Command {
  const validate = command('validate', usage)
    .description(
      "Check every policy and people file in DIR as the functions load them. Prints each problem as 'file: path: message (line N)' and exits 2, or 'N policies and M people OK' with the model patterns in the order they match, and exits 0.",
    )
    .argument('[dir]', 'the policy directory', 'policies')
    // Checked below, to keep the message this command has always given.
    .allowExcessArguments();
  act(validate, async (dir: string) => {
    if (validate.args.length > 1) throw new Error('give at most one policy directory');
    return validatePolicies(dir);
  });
  return command('policy', usage)
    .summary('check the policy files: baton policy validate [DIR]')
    .description('Work with the policy files.')
    .addCommand(validate);
}

/** Runs `baton policy …args` (the arguments after `policy`). */
export function policyCommand(args: string[]): Promise<number> {
  return runCommand(policyCli(), args);
}

function validatePolicies(dir: string): number {
  const set = loadPolicySet(dir);
  if (set.problems.length > 0) {
    for (const problem of set.problems) process.stdout.write(`${formatProblem(problem, dir)}\n`);
    const files = new Set(set.problems.map((p) => p.file)).size;
    process.stdout.write(
      `${plural(set.problems.length, 'problem')} in ${plural(files, 'file')}; ${set.policies.length} valid\n`,
    );
    return 2;
  }
  const people = Object.keys(set.people.people).length;
  const counted = people === 0 ? '' : ` and ${plural(people, 'person', 'people')}`;
  process.stdout.write(`${plural(set.policies.length, 'policy', 'policies')}${counted} OK in ${dir}\n`);
  const ordered = byPrecedence(set.policies);
  const width = Math.max(0, ...ordered.map((e) => e.policy.model.length));
  for (const { file, policy } of ordered) {
    process.stdout.write(`  ${policy.model.padEnd(width)}  ${join(dir, file)}\n`);
  }
  for (const { file, people: named } of set.peopleFiles) {
    process.stdout.write(`  people in ${join(dir, file)}: ${Object.keys(named).join(', ')}\n`);
  }
  return 0;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
