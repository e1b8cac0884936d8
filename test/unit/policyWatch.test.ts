/**
 * `npm start` notices a changed policies directory: a valid set restarts the functions (so they
 * read it) and says which file changed; an invalid one is told once and not loaded.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type PolicyWatch, watchPolicies } from '../../local/policyWatch';
import { eventually } from '../support/registryWaits';

let watch: PolicyWatch | undefined;
afterEach(() => watch?.close());

function watching() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-policies-'));
  const said: string[] = [];
  let restarts = 0;
  watch = watchPolicies({
    dir,
    restart: async () => void restarts++,
    log: (line) => said.push(line),
    debounceMs: 50,
  });
  return { dir, said, restarts: () => restarts };
}

describe('watching the policies directory', () => {
  it('restarts the functions once for a burst of saves, naming the file', async () => {
    const { dir, said, restarts } = watching();

    writeFileSync(join(dir, 'late.yaml'), 'model: late-*\n');
    writeFileSync(join(dir, 'late.yaml'), 'model: late-*\ndescription: governs late models\n');
    await eventually(async () => (said.length ? true : undefined), 5_000, 'the reload');
    await watch!.settled();

    expect(restarts()).toBe(1);
    expect(said[0]).toMatch(/^Policies reloaded \(.*late\.yaml changed\): 1 policy; /);
  });

  it('does not load an invalid set, and says so once for repeated saves of the same problem', async () => {
    const { dir, said, restarts } = watching();

    writeFileSync(join(dir, 'broken.yaml'), 'model: late-*\nchecks: { metrics: [{ name: auc }] }\n');
    await eventually(async () => (said.length ? true : undefined), 5_000, 'the first complaint');
    writeFileSync(join(dir, 'broken.yaml'), 'model: late-*\nchecks: { metrics: [{ name: auc }] }\n ');
    writeFileSync(join(dir, 'ok.yaml'), 'model: other\n');
    await eventually(async () => (watch!.checked() >= 2 ? true : undefined), 5_000, 'the second check');
    await watch!.settled();

    expect(restarts()).toBe(0);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /^Policies not reloaded \(.*broken\.yaml\): broken\.yaml: .*Baton keeps the previous policies/,
    );
  });
});
