// What the local sandboxes (Graph, Wazzup24) share as HTTP servers on this machine: listening on a free port,
// waiting between scheduled webhooks in a way that close() can cut short, and closing.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens (port 0: any free one) and resolves with the base URL, e.g. http://127.0.0.1:41234. */
export async function listenForUrl(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
}

/** Stops the scheduled work (`shutdown`), lets what is under way finish, then closes the server and its connections. */
export async function closeSandbox(server: Server, shutdown: AbortController, pending: ReadonlySet<Promise<unknown>>): Promise<void> {
  shutdown.abort();
  await Promise.allSettled([...pending]);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/** Waits `ms`, or less when `signal` aborts (the sandbox is closing). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
