/**
 * Durations in policies are written as `30s`, `30m`, `6h` or `3d`.
 *
 * @example
 *   durationMs('72h'); // 259_200_000
 */
export const durationPattern = /^(\d{1,6})(s|m|h|d)$/;

const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Milliseconds in a policy duration (`30s`, `15m`, `6h`, `3d`); throws on anything else.
 *
 * @example
 *   durationMs('15m'); // 900_000
 */
export function durationMs(text: string): number {
  const match = durationPattern.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}
