/**
 * `npm start` runs until Ctrl-C while people write policies. Each function process reads the
 * policies once (as a Lambda sandbox does), so without this a new policy file would be ignored
 * and its model's versions silently recorded `unmanaged`. This watches the policies directory,
 * waits for the edits to settle, checks the set as the functions will, and restarts the function
 * processes so they read it (the tick's next sweep then picks up the newest version recorded
 * `unmanaged` for a model a policy now governs). An invalid set is not loaded: the functions
 * would refuse every event; the person is told once what is wrong and the old set keeps running.
 *
 * @example
 *   const watch = watchPolicies({ dir: resolve('policies'), restart: () => stack.runtime.restartFunctions(), log: console.log });
 *   watch.close();
 */
import { type FSWatcher, watch } from 'node:fs';
import { relative } from 'node:path';
import { loadPolicySet } from '../lib/wiring/policyFiles';

export interface PolicyWatchOptions {
  dir: string;
  /** Restarts the functions so they read the policies again. */
  restart(): Promise<void>;
  log(line: string): void;
  /** Quiet time after the last change before reloading (ms, default 500): editors write in bursts. */
  debounceMs?: number;
}

export interface PolicyWatch {
  close(): void;
  /** Resolves once the reloads started so far are done (for tests). */
  settled(): Promise<void>;
  /** How many times the set was checked after a change (for tests). */
  checked(): number;
}

const policyFile = /\.ya?ml$/;

export function watchPolicies(options: PolicyWatchOptions): PolicyWatch {
  const { dir, log } = options;
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> = Promise.resolve();
  let lastProblem = '';
  let checked = 0;
  const shown = (file: string) => relative(process.cwd(), `${dir}/${file}`) || file;

  const reload = async () => {
    const files = [...changed].sort().map(shown);
    changed.clear();
    checked++;
    const set = loadPolicySet(dir);
    if (set.problems.length > 0) {
      const problem = set.problems.map((p) => `${p.file}: ${p.message}`).join('; ');
      // Told once per distinct problem: every save of a half-written file is not news.
      if (problem !== lastProblem) {
        log(
          `Policies not reloaded (${files.join(', ')}): ${problem}. Baton keeps the previous policies; fix the file to reload.`,
        );
      }
      lastProblem = problem;
      return;
    }
    lastProblem = '';
    await options.restart();
    log(
      `Policies reloaded (${files.join(', ')} changed): ${set.policies.length} ${set.policies.length === 1 ? 'policy' : 'policies'}; versions recorded unmanaged for a model a policy now governs are picked up by the next sweep.`,
    );
  };

  const watcher: FSWatcher = watch(dir, (_event, file) => {
    if (file && !policyFile.test(String(file))) return;
    changed.add(String(file ?? '?'));
    clearTimeout(timer);
    timer = setTimeout(() => {
      reloading = reloading
        .then(reload)
        .catch((error: Error) => log(`Policies not reloaded: ${error.message}`));
    }, options.debounceMs ?? 500);
  });

  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
    settled: async () => {
      await reloading;
    },
    checked: () => checked,
  };
}
