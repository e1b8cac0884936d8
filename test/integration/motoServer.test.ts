/**
 * local/motoServer.py changes how moto does some work (a DynamoDB Query reads its partition only;
 * a transaction backs up only the items it names; SQS reads one queue attribute without counting
 * every message), so the emulator's cost stops growing with the whole table or queue. The answers
 * must be moto's own: the same calls, in process, with and without those changes, print the same
 * pages, cursors, filters, index reads, cancellation reasons, items after a cancelled and a
 * committed transaction, FIFO deduplication (by id and by content), send errors, received
 * messages and queue counts.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { ensurePythonEnv } from '../../local/pythonEnv';

const python = ensurePythonEnv({ stateDir: inject('stateDir') });

function answers(...flags: string[]): { answers: Array<[string, unknown]>; query: string } {
  const run = spawnSync(python.bin('python'), ['test/support/motoEquivalence.py', ...flags], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`motoEquivalence.py ${flags.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe("the emulator's DynamoDB with local/motoServer.py's changes", () => {
  it('answers every Query, transaction, send and receive exactly as moto does', () => {
    const moto = answers();
    const patched = answers('--patched');
    expect(moto.query).toBe('moto.dynamodb.models.table');
    expect(patched.query).toBe('motoServer');
    expect(patched.answers).toEqual(moto.answers);
    expect(moto.answers.map(([name]) => name)).toContain('cancelled');
  });
});
