/**
 * When an alias was set, as MLflow tells a subscriber: a webhook of the bench's own for
 * `MODEL_VERSION_ALIAS` `CREATED` events, received by a small HTTP server in the bench process.
 *
 * Why not poll the alias: the local MLflow server is one process, and a poller reading the alias
 * every 20 ms takes its turns between Baton's own calls. Measured: the floor (the validation's 13
 * registry calls back to back) took 277 ms alone and 436 ms with that poller reading beside it, so
 * a polled figure measured the poller as much as Baton. MLflow delivers this webhook once per alias
 * change, after the change is committed (as it delivers Baton's), so what is measured is when the
 * alias pointed at the version at the latest.
 *
 * @example
 *   const watcher = await aliasWatcher(mlflowUrl, 'bench-r2c-1a2b');
 *   const at = await watcher.when('challenger', '7', 30_000); // a performance.now() reading, or undefined
 *   await watcher.close();
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deleteMlflowWebhook, ensureMlflowWebhook } from '../local/mlflowWebhook';

export interface AliasWatcher {
  /** When `alias` was first seen pointing at `version` (`performance.now()`), or undefined after `timeoutMs`. */
  when(alias: string, version: string, timeoutMs: number): Promise<number | undefined>;
  close(): Promise<void>;
}

export async function aliasWatcher(mlflowUrl: string, model: string): Promise<AliasWatcher> {
  const seen = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      response.writeHead(200).end();
      let data: { name?: string; alias?: string; version?: string } | undefined;
      try {
        data = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: typeof data }).data;
      } catch {
        return;
      }
      if (data?.name !== model) return;
      const key = `${data.alias}@${data.version}`;
      if (!seen.has(key)) seen.set(key, at);
      waiting.get(key)?.();
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  const webhookId = await ensureMlflowWebhook({
    mlflowUrl,
    name: `bench-alias-watcher-${model}`,
    url: `http://127.0.0.1:${port}/`,
    secret: randomBytes(16).toString('hex'),
    events: [{ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }],
  });

  return {
    async when(alias, version, timeoutMs) {
      const key = `${alias}@${version}`;
      if (!seen.has(key)) {
        await new Promise<void>((arrived) => {
          const timer = setTimeout(arrived, timeoutMs);
          waiting.set(key, () => {
            clearTimeout(timer);
            arrived();
          });
        });
        waiting.delete(key);
      }
      return seen.get(key);
    },
    async close() {
      await deleteMlflowWebhook(mlflowUrl, webhookId);
      await new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}
