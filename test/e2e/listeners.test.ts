// `npm start` exposes nothing beyond this machine: every listening socket of the process (the router, dynalite,
// fauxqs, the Graph and Wazzup24 sandboxes) is bound to loopback, read from the kernel's own socket table
// (/proc/<pid>/net/tcp{,6} joined to the process's socket file descriptors), not from what the code says.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type RunningStack } from '../../lib/local/local-child.js';

let stack: RunningStack;

beforeAll(async () => {
  // HOST taken out: the defaults are what is checked.
  stack = await startLocalStack({ without: ['HOST', 'WHATSAPP_ACCESS_TOKEN', 'GRAPH_BASE_URL', 'WAZZUP_API_KEY'] });
}, 120_000);
afterAll(() => stack?.close());

/** `ip:port` of every TCP socket in LISTEN state the process holds. */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // The descriptor closed while listing.
    }
  }
  const out: string[] = [];
  for (const file of ['tcp', 'tcp6']) {
    const rows = readFileSync(`/proc/${pid}/net/${file}`, 'utf8').trim().split('\n').slice(1);
    for (const row of rows) {
      // sl, local_address, rem_address, st, tx:rx queue, tr:tm->when, retrnsmt, uid, timeout, inode
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      if (state !== '0A' || !inode || !inodes.has(inode) || !local) continue;
      const [hex = '', port = ''] = local.split(':');
      out.push(`${decodeAddress(hex)}:${parseInt(port, 16)}`);
    }
  }
  return out;
}

/** /proc/net/tcp prints addresses as host-order 32-bit words in hex. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return groups.join(':');
}

describe('npm start listens on loopback only', () => {
  it('every listener (router, dynalite, fauxqs, Graph and Wazzup24 sandboxes) is bound to 127.0.0.1', () => {
    const listening = listeningAddresses(stack.pid!);
    // The router, dynalite, fauxqs and both sandboxes at least.
    expect(listening.length, listening.join(', ')).toBeGreaterThanOrEqual(5);
    expect(listening.filter((a) => !a.startsWith('127.0.0.1:') && !a.startsWith('0:0:0:0:0:0:0:1:')), listening.join(', ')).toEqual([]);
    expect(listening).toContain(`127.0.0.1:${stack.port}`);
  });
});
