// Media links are fetched only over https from public addresses (server-side request forgery): real HTTP servers
// on 127.0.0.1 that must never see a request, a stubbed resolver for names, redirects re-checked at every hop,
// and the one exemption local mode configures (the sandbox's own origin).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPublicFetch, isPublicAddress, UnsafeUrl, type Resolver } from '../../lambdas/adapters/runtime/public-fetch.js';
import { createUrlMediaSource } from '../../lambdas/adapters/cards/url-media.js';
import { CardUnreadable } from '../../lambdas/domain/cards/card-pipeline.js';

interface Target {
  server: Server;
  origin: string;
  hits: string[];
  /** Path -> where it redirects. */
  redirects: Map<string, string>;
}

async function target(): Promise<Target> {
  const hits: string[] = [];
  const redirects = new Map<string, string>();
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const to = redirects.get(req.url ?? '');
    if (to) {
      res.writeHead(302, { location: to }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from('JPEGBYTES'));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, redirects };
}

let a: Target;
let b: Target;
beforeAll(async () => {
  [a, b] = await Promise.all([target(), target()]);
});
afterAll(async () => {
  for (const t of [a, b]) await new Promise((ok) => t?.server.close(ok));
});
beforeEach(() => {
  for (const t of [a, b]) {
    t.hits.length = 0;
    t.redirects.clear();
  }
});

/** A resolver answering from a table (and counting), as dns.lookup with `all: true` does. */
function stubResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = (hostname: string, _options: { all: true }, callback: (error: NodeJS.ErrnoException | null, addresses: { address: string; family: number }[]) => void) => {
    calls.push(hostname);
    const found = table[hostname];
    if (!found) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolver, { calls });
}

describe('which addresses are public', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '100.127.255.254',
    '169.254.169.254', '169.254.1.1', '0.0.0.0', '0.1.2.3', '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.18.0.1',
    '::1', '::', 'fe80::1', 'febf::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1',
    '::ffff:169.254.169.254', '64:ff9b::7f00:1', '2002:7f00:1::1', 'not an address',
  ])('%s is refused', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '157.240.1.1', '2606:4700:4700::1111', '2a03:2880:f10d::face:b00c', '::ffff:8.8.8.8'])('%s is public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
});

describe('createPublicFetch', () => {
  it('refuses http and loopback literals before any connection: the local server sees nothing', async () => {
    const fetch = createPublicFetch();
    const port = new URL(a.origin).port;
    for (const url of [
      `${a.origin}/card.jpg`,
      `https://127.0.0.1:${port}/card.jpg`,
      `https://2130706433:${port}/card.jpg`,
      `https://0x7f.0.0.1:${port}/card.jpg`,
      `https://[::ffff:127.0.0.1]:${port}/card.jpg`,
      `https://[::1]:${port}/card.jpg`,
      'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'file:///etc/passwd',
      'ftp://example.com/card.jpg',
    ]) {
      await expect(fetch(url), url).rejects.toBeInstanceOf(UnsafeUrl);
    }
    expect(a.hits).toEqual([]);
  });

  it('checks the addresses a name resolves to, every one of them, at connection time', async () => {
    const resolver = stubResolver({
      'private.example.test': ['10.0.0.5'],
      'cgnat.example.test': ['100.64.1.1'],
      'mixed.example.test': ['93.184.216.34', '127.0.0.1'],
      'metadata.example.test': ['169.254.169.254'],
      'mapped.example.test': ['::ffff:127.0.0.1'],
      'ula.example.test': ['fd00::1'],
    });
    const fetch = createPublicFetch({ resolver });
    for (const host of ['private', 'cgnat', 'mixed', 'metadata', 'mapped', 'ula']) {
      const error = await fetch(`https://${host}.example.test:${new URL(a.origin).port}/card.jpg`).catch((e: unknown) => e);
      expect(error, host).toBeInstanceOf(UnsafeUrl);
      expect((error as Error).message).toMatch(new RegExp(`${host}\\.example\\.test resolves to .*not a public address`));
    }
    expect(resolver.calls).toEqual(['private', 'cgnat', 'mixed', 'metadata', 'mapped', 'ula'].map((h) => `${h}.example.test`));
    expect(a.hits).toEqual([]);
  });

  it('"localhost" through the real resolver is refused too', async () => {
    await expect(createPublicFetch()(`https://localhost:${new URL(a.origin).port}/x`)).rejects.toBeInstanceOf(UnsafeUrl);
    expect(a.hits).toEqual([]);
  });

  it('an exempt origin (the local sandbox) is fetched; its redirects are checked at every hop', async () => {
    const fetch = createPublicFetch({ allowOrigins: [a.origin] });
    const ok = await fetch(`${a.origin}/card.jpg`);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).toString()).toBe('JPEGBYTES');

    a.redirects.set('/same', '/card.jpg');
    expect((await fetch(`${a.origin}/same`)).status).toBe(200);

    a.redirects.set('/elsewhere', `${b.origin}/secret`);
    a.redirects.set('/metadata', 'http://169.254.169.254/latest/meta-data/');
    a.redirects.set('/loopback-https', `https://127.0.0.1:${new URL(b.origin).port}/secret`);
    for (const path of ['/elsewhere', '/metadata', '/loopback-https']) {
      await expect(fetch(`${a.origin}${path}`), path).rejects.toBeInstanceOf(UnsafeUrl);
    }
    expect(b.hits).toEqual([]);
  });

  it('gives up after 5 redirects', async () => {
    a.redirects.set('/loop', '/loop');
    await expect(createPublicFetch({ allowOrigins: [a.origin] })(`${a.origin}/loop`)).rejects.toThrow(/more than 5 redirects/);
    expect(a.hits).toHaveLength(6);
  });

  it('sends headers only to the origin they were meant for', async () => {
    const seen: (string | undefined)[] = [];
    const s = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === '/go') res.writeHead(302, { location: '/there' }).end();
      else res.writeHead(200).end('ok');
    });
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    const origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const res = await createPublicFetch({ allowOrigins: [origin] })(`${origin}/go`, { headers: { Authorization: 'Bearer t' } });
    expect(res.status).toBe(200);
    expect(seen).toEqual(['Bearer t', 'Bearer t']);
    await new Promise((ok) => s.close(ok));
  });
});

describe("a Wazzup24 contentUri (the card worker's URL media source)", () => {
  it('pointing at this machine is unreadable (no retry, the customer is told) and never fetched', async () => {
    const media = createUrlMediaSource();
    const error = await media.fetch(`${a.origin}/card.jpg`, { maxBytes: 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardUnreadable);
    expect((error as Error).message).toMatch(/not a public https address|https/);
    expect(a.hits).toEqual([]);
  });

  it('on the exempt sandbox origin it is read', async () => {
    const media = createUrlMediaSource({ allowOrigins: [a.origin] });
    const got = await media.fetch(`${a.origin}/card.jpg`, { maxBytes: 1024 });
    expect(Buffer.from(got.bytes).toString()).toBe('JPEGBYTES');
    expect(got.mimeType).toBe('image/jpeg');
  });
});
