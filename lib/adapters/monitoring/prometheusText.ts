/**
 * Reads the Prometheus text exposition format (and OpenMetrics, its successor), as a Databricks
 * serving endpoint's metrics export answers: one sample per line, `name{label="value",…} value
 * [timestamp]`, with `#` lines for HELP, TYPE and EOF. Small and dependency-free: Baton reads a
 * handful of families from it, so a client library would be weight without use.
 *
 * @example
 *   parsePrometheusText('request_count_total{served_entity_name="fraud-3"} 120 1764680400000');
 *   // [{ name: 'request_count_total', labels: { served_entity_name: 'fraud-3' }, value: 120, timestampMs: 1764680400000 }]
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The sample's own time (milliseconds since the epoch), when the exporter gave one. */
  timestampMs?: number;
}

const sampleLine = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(\S+))?\s*$/;
const labelPair = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;

/** A sample value: a float, or NaN / +Inf / -Inf as the format spells them. */
function sampleValue(text: string): number | undefined {
  const special: Record<string, number> = {
    NaN: Number.NaN,
    '+Inf': Infinity,
    Inf: Infinity,
    '-Inf': -Infinity,
  };
  if (text in special) return special[text];
  const value = Number(text);
  return text.trim() !== '' && !Number.isNaN(value) ? value : undefined;
}

/** `a="x",b="y\"z"` → { a: 'x', b: 'y"z' }; undefined when the block is malformed. */
function labelsOf(block: string | undefined): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  if (!block) return labels;
  let read = 0;
  // Sticky: each pair must start where the last one ended, so a malformed block stops the matches.
  for (const match of block.matchAll(labelPair)) {
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    read = match.index + match[0].length;
  }
  return read === block.length ? labels : undefined;
}

/**
 * Every well-formed sample of an exposition; comment lines and malformed lines are skipped (an
 * exporter's new line shape must not hide the samples Baton can read).
 *
 * @example
 *   parsePrometheusText('# TYPE x gauge\nx 1\n# EOF').map((s) => s.value); // [1]
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = sampleLine.exec(line);
    if (!match) continue;
    const labels = labelsOf(match[2]);
    const value = sampleValue(match[3]!);
    if (!labels || value === undefined) continue;
    const stamp = match[4] === undefined ? undefined : Number(match[4]);
    samples.push({
      name: match[1]!,
      labels,
      value,
      // Prometheus stamps milliseconds, OpenMetrics seconds (a float): both become milliseconds.
      ...(stamp !== undefined &&
        Number.isFinite(stamp) && { timestampMs: stamp < 1e11 ? Math.round(stamp * 1000) : stamp }),
    });
  }
  return samples;
}
