/**
 * A TCP fault-injection proxy for the fault-injection tests: it forwards bytes both ways to a
 * target (e.g. the emulator), and can be switched to reset every connection (accept, then RST) or
 * to refuse them (nothing listens on its port) until it is switched back. Switching away from
 * `forward` also cuts the connections already open, so a client's kept-alive sockets fail too.
 *
 * @example
 *   const proxy = await startFaultProxy(motoUrl);
 *   await proxy.set('reset');   // every request through proxy.url now fails with ECONNRESET
 *   await proxy.set('forward'); // and reaches moto again
 *   await proxy.close();
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with a connection. */
export const FaultMode = {
  /** Pass every byte through to the target. */
  Forward: 'forward',
  /** Accept the connection and reset it at once (the client sees ECONNRESET). */
  Reset: 'reset',
  /** Stop listening: the client sees ECONNREFUSED. */
  Refuse: 'refuse',
} as const;
export type FaultMode = (typeof FaultMode)[keyof typeof FaultMode];

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: the proxy's own address, the same in every mode. */
  url: string;
  mode(): FaultMode;
  set(mode: FaultMode): Promise<void>;
  /** Connections accepted so far, and how many of them were reset. */
  stats(): { accepted: number; reset: number };
  close(): Promise<void>;
}

/** Closes with a TCP RST rather than a FIN, so the peer sees ECONNRESET. */
function reset(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy();
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const open = new Set<Socket>();
  const counts = { accepted: 0, reset: 0 };
  let mode: FaultMode = FaultMode.Forward;

  const server: Server = createServer((client) => {
    counts.accepted += 1;
    if (mode !== FaultMode.Forward) {
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

  const listen = (port: number) =>
    new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', fail);
        done();
      });
    });
  await listen(0);
  const port = (server.address() as { port: number }).port;

  const cutOpenConnections = () => {
    for (const socket of open) reset(socket);
    open.clear();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    mode: () => mode,
    stats: () => ({ ...counts }),
    async set(next) {
      if (next === mode) return;
      const wasListening = mode !== FaultMode.Refuse;
      mode = next;
      if (next !== FaultMode.Forward) cutOpenConnections();
      if (next === FaultMode.Refuse && wasListening) {
        await new Promise<void>((done) => server.close(() => done()));
      }
      // Back on the same port, so the clients' configured URL stays valid.
      if (next !== FaultMode.Refuse && !wasListening) await listen(port);
    },
    async close() {
      cutOpenConnections();
      if (mode !== FaultMode.Refuse) await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
