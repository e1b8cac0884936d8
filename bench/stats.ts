/**
 * Small statistics and formatting helpers for the benchmarks: percentiles over samples, the
 * targets each figure is judged against, and the table `npm run bench` prints.
 *
 * @example
 *   percentile([3, 1, 2], 50); // 2
 *   console.log(table({ ingress_overhead_ratio: 1.3 }));
 */

/** The p-th percentile (0–100) with linear interpolation between the closest ranks. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

/** Rounds for the JSON file: enough digits to compare runs, no float noise. */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Milliseconds elapsed since `start` (a `performance.now()` reading). */
export const since = (start: number) => performance.now() - start;

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** 250 KB, the bundle-size budget (issue 12: the official AWS SDK clients are bundled). */
export const bundleLimitBytes = 250 * 1024;

interface Target {
  text: string;
  met(value: number): boolean;
}

/** The target for a figure, where one is known (issue 7; issue 12 tightened two of them). */
export function targetOf(name: string): Target | undefined {
  if (name === 'ingress_overhead_ratio') return { text: '≤ 1.5', met: (v) => v <= 1.5 };
  // Issue 12: the official SDK clients and the four floors cost no more than the code before them.
  if (name === 'register_to_challenger_ratio') return { text: '≤ 1.35', met: (v) => v <= 1.35 };
  if (name === 'alert_to_rollback_p50_ms') return { text: '< 300 ms', met: (v) => v < 300 };
  if (name === 'register_to_challenger_p50_ms') return { text: '< 1000 ms', met: (v) => v < 1000 };
  if (name === 'burst_lost') return { text: '= 0', met: (v) => v === 0 };
  if (name === 'ui_model_page_p95_ms') return { text: '< 300 ms', met: (v) => v < 300 };
  if (name === 'analysis_check_p50_ms') return { text: '< 300 ms', met: (v) => v < 300 };
  // The default budget: 10 requests/s over a 1-minute tick (README, "Intake without webhooks").
  if (name === 'poll_requests_per_tick_max') return { text: '≤ 600', met: (v) => v <= 600 };
  if (name.startsWith('bundle_bytes_')) {
    return { text: '≤ 250 KB', met: (v) => v <= bundleLimitBytes };
  }
  // The import time is measured inside the process, so it is already the time above node's startup.
  if (name.startsWith('cold_import_ms_')) return { text: '≤ 80 ms', met: (v) => v <= 80 };
  return undefined;
}

/** Thousands separated; fewer decimals the larger the value (ratios keep three). */
function formatValue(value: number): string {
  const size = Math.abs(value);
  const digits = Number.isInteger(value) || size >= 1000 ? 0 : size >= 100 ? 1 : size >= 10 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The figures as an aligned text table, with each target and whether it is met. */
export function table(figures: Record<string, number>): string {
  const rows = Object.entries(figures).map(([name, value]) => {
    const target = targetOf(name);
    const verdict = target ? (target.met(value) ? 'ok' : 'MISSED') : '';
    return [name, formatValue(value), target?.text ?? '', verdict];
  });
  const header = ['figure', 'value', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The figures whose target is missed, by name. */
export function missedTargets(figures: Record<string, number>): string[] {
  return Object.entries(figures)
    .filter(([name, value]) => targetOf(name)?.met(value) === false)
    .map(([name]) => name);
}
