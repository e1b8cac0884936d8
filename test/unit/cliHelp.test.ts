/**
 * `baton <command> --help` for every command and subcommand, the exit codes in `baton --help`, and
 * usage errors: exit 2, the problem and the command's usage line on stderr, nothing on stdout.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';

/** What a run writes to stdout and to stderr, apart. */
function captureStreams(): { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  return { stdout: () => out.join(''), stderr: () => err.join('') };
}

afterEach(() => vi.restoreAllMocks());

describe('baton <command> --help', () => {
  it.each([
    [['--help'], 'Usage: baton [options] [command]'],
    [['help'], 'Usage: baton [options] [command]'],
    [['status', '--help'], 'Usage: baton status [options] <model>'],
    [['history', '--help'], 'Usage: baton history [options] <model>'],
    [['champion', '--help'], 'Usage: baton champion [options] <model>'],
    [['approve', '--help'], 'Usage: baton approve [options] <model> <version>'],
    [['reject', '--help'], 'Usage: baton reject [options] <model> <version>'],
    [['rollout', '--help'], 'Usage: baton rollout [options] [command]'],
    [['rollout', 'pause', '--help'], 'Usage: baton rollout pause [options] <model>'],
    [['rollout', 'resume', '--help'], 'Usage: baton rollout resume [options] <model>'],
    [['rollout', 'abort', '--help'], 'Usage: baton rollout abort [options] <model>'],
    [['rollout', 'promote', '--help'], 'Usage: baton rollout promote [options] <model>'],
    [['rollback', '--help'], 'Usage: baton rollback [options] <model>'],
    [['policy', '--help'], 'Usage: baton policy [options] [command]'],
    [['policy', 'validate', '--help'], 'Usage: baton policy validate [options] [dir]'],
    [['inspect', '--help'], 'Usage: baton inspect [options] <file>'],
    [['help', 'rollout'], 'Usage: baton rollout [options] [command]'],
    [['rollout', 'pause', 'fraud', '-h'], 'Usage: baton rollout pause [options] <model>'],
  ])('baton %j prints its help on stdout and exits 0', async (argv, usage) => {
    const output = captureStreams();

    const code = await main(argv);

    expect(code).toBe(0);
    expect(output.stdout().split('\n')[0]).toBe(usage);
    expect(output.stderr()).toBe('');
  });

  it.each([
    ['status', '--json'],
    ['history', '--json'],
    ['champion', '--json'],
    ['champion', '--at <iso-time>'],
    ['approve', '--no-wait'],
    ['rollback', '--to <version>'],
    ['inspect', '--allow-topic <arn>'],
  ])('baton %s --help lists the option %s', async (name, option) => {
    const output = captureStreams();

    await main([name, '--help']);

    expect(output.stdout()).toMatch(new RegExp(`^  ${option.replace(/[[\]]/g, '\\$&')} `, 'm'));
  });

  it('baton --help documents the exit codes', async () => {
    const output = captureStreams();

    await main(['--help']);

    expect(output.stdout()).toContain(
      [
        'Exit codes:',
        '  0  applied or OK (with --no-wait: queued; inspect: the ingress would accept the request)',
        '  1  refused: the reason is printed and recorded in `baton history` (approve, reject, rollout, rollback)',
        '  2  usage error, or Baton could not be reached (the message says what); also policy validate',
        '     finding a problem, inspect judging the request unacceptable, champion finding none',
        '  3  no answer within the wait: the decision is still queued and will be decided',
      ].join('\n'),
    );
  });

  it('the help of a deciding command repeats its exit codes', async () => {
    const output = captureStreams();

    await main(['rollout', 'pause', '--help']);

    expect(output.stdout()).toContain(
      'Exit codes: 0 applied (or queued, with --no-wait) · 1 refused · 2 usage error or Baton unreachable ·\n3 no answer within the wait (still queued).',
    );
  });
});

describe('a usage error exits 2 and says what is wrong on stderr', () => {
  it.each([
    [[], 'Usage: baton [options] [command]'],
    [['bogus'], 'baton: unknown command bogus'],
    [['status'], "baton status: missing required argument 'model'"],
    [['status', 'a', 'b'], "baton status: too many arguments for 'status'. Expected 1 argument but got 2."],
    [['history', 'fraud', '--jsn'], "baton history: unknown option '--jsn'"],
    [['approve', 'fraud', '2'], "baton approve: required option '--as <who>' not specified"],
    [['rollout', 'stop', 'fraud'], "baton rollout: unknown command 'stop'"],
    [['rollout', 'pause', 'fraud'], "baton rollout pause: required option '--as <who>' not specified"],
    [['rollback', 'fraud', '--as', 'bob'], "baton rollback: required option '--reason <text>' not specified"],
    [['inspect', '--source', 'mlflow'], "baton inspect: missing required argument 'file'"],
    [
      ['champion', 'fraud', '--at', 'yesterday'],
      'baton champion: --at must be an ISO 8601 time, e.g. 2026-11-17T14:03:00Z',
    ],
  ])('baton %j', async (argv, message) => {
    const output = captureStreams();

    const code = await main(argv);

    expect(code).toBe(2);
    expect(output.stderr().split('\n')[0]).toBe(message);
    expect(output.stdout()).toBe('');
  });

  it('follows the problem with the usage line the command has always printed', async () => {
    const output = captureStreams();

    await main(['approve', 'fraud', '2']);

    expect(output.stderr().split('\n').slice(1)).toEqual([
      'usage: baton approve MODEL VERSION --as WHO [--reason …] [--wait SECONDS | --no-wait] [--json]',
      '(`baton approve --help` says more)',
      '',
    ]);
  });
});
