/** Captures what a CLI command writes to stdout and stderr; restore with vi.restoreAllMocks(). */
import { vi } from 'vitest';

export function captureOutput(): () => string {
  const out: string[] = [];
  const record = (chunk: unknown) => {
    out.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(record);
  vi.spyOn(process.stderr, 'write').mockImplementation(record);
  return () => out.join('');
}
