/**
 * The headless Chromium page tests run in, from npm: @sparticuz/chromium ships the browser binary
 * (unpacked to /tmp on first use), so `npm ci && npm test` needs no Chromium package. The binary
 * links only glibc, expat and libgcc and loads NSS (libnss3) at start: this project's machines
 * have it (Debian's Java runtime pulls it in); a bare one needs `apt-get install libnss3`, which
 * the error then says.
 * BATON_CHROMIUM=/path/to/chromium uses another build instead.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export async function launchChromium(): Promise<Browser> {
  const override = process.env.BATON_CHROMIUM;
  if (override && !existsSync(override)) throw new Error(`BATON_CHROMIUM=${override}: no such file`);
  let executablePath = override;
  // Not the package's own Lambda flags (single process, web security off): a browser as people run it.
  const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
  if (!executablePath) {
    try {
      const packaged = (await import('@sparticuz/chromium')).default;
      executablePath = await packaged.executablePath();
    } catch (error) {
      throw new Error(
        `no Chromium: run \`npm ci\` (it installs @sparticuz/chromium) or set BATON_CHROMIUM to a Chromium binary (${(error as Error).message})`,
      );
    }
  }
  try {
    return await chromium.launch({ executablePath, headless: true, args });
  } catch (error) {
    const first = (error as Error).message.split('\n')[0];
    throw new Error(
      `Chromium (${executablePath}) did not start: install its one system library with \`apt-get install libnss3\`, or set BATON_CHROMIUM to a Chromium binary (${first})`,
    );
  }
}
