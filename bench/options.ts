/**
 * The benchmark's settings, from flags or environment variables (a flag wins). `--quick` picks
 * defaults that finish in about a minute; without it the defaults give stable medians.
 *
 *   --quick              BENCH_QUICK=1
 *   --only=a,b           BENCH_ONLY        phases: bundles, ingress, registry, burst, alerts, ui, analysis, poll
 *   --reps=N             BENCH_REPS        ingress iterations          (quick 300, full 2000)
 *   --versions=N         BENCH_VERSIONS    register→challenger samples (quick 20, full 50)
 *   --floor-reps=N       BENCH_FLOOR_REPS  bare-client floor samples   (quick 10, full = versions)
 *   --burst=N/M          BENCH_BURST       N versions across M models  (quick 20/4, full 100/10)
 *   --import-runs=N      BENCH_IMPORT_RUNS fresh-process imports       (quick 5, full 15)
 *   --alerts=N           BENCH_ALERTS      alert → rollback samples    (quick 5, full 15)
 *   --ui-samples=N       BENCH_UI_SAMPLES  dashboard model page renders (quick 30, full 100)
 *
 * @example
 *   const options = benchOptions(process.argv.slice(2), process.env);
 *   options.reps; // 300 with --quick
 */

export const phases = [
  'bundles',
  'ingress',
  'registry',
  'burst',
  'alerts',
  'analysis',
  'ui',
  'poll',
] as const;
export type Phase = (typeof phases)[number];

export interface BenchOptions {
  quick: boolean;
  only: Set<Phase>;
  reps: number;
  warmup: number;
  versions: number;
  floorReps: number;
  burstVersions: number;
  burstModels: number;
  burstTimeoutMs: number;
  importRuns: number;
  alertSamples: number;
  uiSamples: number;
}

function flagValues(argv: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!match) throw new Error(`unknown argument ${argv[i]} (see bench/options.ts)`);
    const [, name, inline] = match;
    const next = argv[i + 1];
    if (inline !== undefined) values.set(name!, inline);
    else if (next !== undefined && !next.startsWith('--') && name !== 'quick') values.set(name!, argv[++i]!);
    else values.set(name!, '1');
  }
  return values;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, not ${text}`);
  return value;
}

export function benchOptions(argv: readonly string[], env: Record<string, string | undefined>): BenchOptions {
  const flags = flagValues(argv);
  const setting = (flag: string, variable: string) => flags.get(flag) ?? env[variable];
  const quick = ['1', 'true'].includes(setting('quick', 'BENCH_QUICK') ?? '');
  const number = (flag: string, variable: string, quickDefault: number, fullDefault: number) => {
    const text = setting(flag, variable);
    return text === undefined ? (quick ? quickDefault : fullDefault) : positive(`--${flag}`, text);
  };

  const onlyText = setting('only', 'BENCH_ONLY');
  const only = new Set<Phase>(phases);
  if (onlyText) {
    only.clear();
    for (const name of onlyText.split(',').map((s) => s.trim())) {
      if (!(phases as readonly string[]).includes(name)) {
        throw new Error(`--only: unknown phase ${name}; pick from ${phases.join(', ')}`);
      }
      only.add(name as Phase);
    }
  }

  const versions = number('versions', 'BENCH_VERSIONS', 20, 50);
  const burstText = setting('burst', 'BENCH_BURST') ?? (quick ? '20/4' : '100/10');
  const burst = /^(\d+)\/(\d+)$/.exec(burstText);
  if (!burst) throw new Error(`--burst must look like 100/10 (versions/models), not ${burstText}`);
  const burstVersions = positive('--burst versions', burst[1]!);
  const burstModels = positive('--burst models', burst[2]!);
  const reps = number('reps', 'BENCH_REPS', 300, 2000);
  return {
    quick,
    only,
    reps,
    warmup: Math.max(20, Math.round(reps / 10)),
    versions,
    floorReps: number('floor-reps', 'BENCH_FLOOR_REPS', 10, versions),
    burstVersions,
    burstModels: Math.min(burstModels, burstVersions),
    // Generous: locally one worker sandbox validates one version at a time (see README).
    burstTimeoutMs: Math.max(60_000, burstVersions * 2000),
    importRuns: number('import-runs', 'BENCH_IMPORT_RUNS', 5, 15),
    alertSamples: number('alerts', 'BENCH_ALERTS', 5, 15),
    uiSamples: number('ui-samples', 'BENCH_UI_SAMPLES', 30, 100),
  };
}
