// dynalite (DynamoDB on LevelDB) on a free local port. With `path` the data survives restarts; without it the
// store is in memory (tests).
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface DynaliteHandle {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export async function startDynalite(options: { path?: string; port?: number; host?: string } = {}): Promise<DynaliteHandle> {
  if (options.path) mkdirSync(options.path, { recursive: true });
  // No artificial CREATING/DELETING delays: tables are usable as soon as they are created.
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
