// An HTTP proxy in front of dynalite that records every DynamoDB call (operation, body, start and end time),
// so a benchmark can replay exactly the calls a handler made: the floor that handler cannot beat.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  operation: string;
  body: string;
  start: number;
  end: number;
}

export async function startRecorder(target: string): Promise<{ endpoint: string; calls: RecordedCall[]; close(): Promise<void> }> {
  const calls: RecordedCall[] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const start = performance.now();
      const body = Buffer.concat(chunks);
      const forward = request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 500, up.headers);
          up.pipe(res);
          up.on('end', () => {
            const target = String(req.headers['x-amz-target'] ?? '');
            calls.push({ operation: target.split('.').pop() ?? target, body: body.toString('utf8'), start, end: performance.now() });
          });
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Calls that overlapped in time ran concurrently; replaying them together keeps the floor honest. */
export function concurrentGroups(calls: readonly RecordedCall[]): RecordedCall[][] {
  const groups: RecordedCall[][] = [];
  let groupEnd = -Infinity;
  for (const call of [...calls].sort((a, b) => a.start - b.start)) {
    const current = groups.at(-1);
    if (current && call.start < groupEnd) current.push(call);
    else groups.push([call]);
    groupEnd = Math.max(call.start < groupEnd ? groupEnd : -Infinity, call.end);
  }
  return groups;
}
