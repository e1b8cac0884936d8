/**
 * A TCP fault-injection proxy for the fault-injection tests: it forwards bytes both ways to a
 * target (e.g. the emulator), and can be switched to reset every connection (accepted, then closed
 * with a TCP RST, so the client sees ECONNRESET) until it is switched back. Switching to `reset`
 * also resets the connections already open, so a client's kept-alive sockets fail too.
 *
 * It never stops listening, so its port stays its own: refusing connections outright would mean
 * closing the port, which another process could take before the proxy listens on it again.
 *
 * @example
 *   const proxy = await startFaultProxy(motoUrl);
 *   proxy.set('reset');   // every request through proxy.url now fails
 *   proxy.set('forward'); // and reaches moto again
 *   await proxy.close();
 */
import { createConnection, createServer, type Socket } from 'node:net';

/** What the proxy does with a connection. */
export const FaultMode = {
  /** Pass every byte through to the target. */
  Forward: 'forward',
  /** Accept the connection and reset it at once. */
  Reset: 'reset',
} as const;
export type FaultMode = (typeof FaultMode)[keyof typeof FaultMode];

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`, in every mode. */
  url: string;
  mode(): FaultMode;
  set(mode: FaultMode): void;
  /** Connections accepted so far, and how many of them were reset. */
  stats(): { accepted: number; reset: number };
  close(): Promise<void>;
}

/** Closes with a TCP RST rather than a FIN. */
function reset(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy();
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const open = new Set<Socket>();
  const counts = { accepted: 0, reset: 0 };
  let mode: FaultMode = FaultMode.Forward;

  const server = createServer((client) => {
    counts.accepted += 1;
    if (mode === FaultMode.Reset) {
      counts.reset += 1;
      reset(client);
      return;
    }
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    open.add(client);
    open.add(upstream);
    const close = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as { port: number };

  const resetOpen = () => {
    for (const socket of open) reset(socket);
    open.clear();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    mode: () => mode,
    stats: () => ({ ...counts }),
    set(next) {
      mode = next;
      if (next === FaultMode.Reset) resetOpen();
    },
    async close() {
      resetOpen();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
