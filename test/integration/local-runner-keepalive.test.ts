// The local runner's own 10 MB cap (API Gateway's) on a keep-alive connection: an 11 MB body is refused with a
// 413 that says why, and the client's next request, through the same keep-alive agent, is answered at once
// instead of failing with ECONNRESET on a connection the runner left half-read.
import { request, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalStack } from '../../lib/local/runner.js';

let stack: LocalStack;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  stack = await startLocal({ port: 0, dataDir: null, env: { ADMIN_TOKEN: 'keepalive-admin-token' }, services: [] });
}, 60_000);
afterAll(async () => {
  agent.destroy();
  await stack?.close();
});

function send(method: string, path: string, body?: Buffer): Promise<{ status: number; body: string; socket: unknown; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(`${stack.url}${path}`, { method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), socket: req.socket, ms: Date.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a 413 on a keep-alive connection', () => {
  it('refuses 11 MB with a JSON reason, and the next request on the same agent succeeds', async () => {
    const big = Buffer.alloc(11 * 1024 * 1024, 0x61);
    const refused = await send('POST', '/webhooks/whatsapp', big);
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toEqual({ error: `the body is over ${10 * 1024 * 1024} bytes, the most API Gateway accepts` });
    for (let i = 0; i < 3; i++) {
      const next = await send('GET', '/health');
      expect(next).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    }
  });

  it('a body under the cap on the same agent is read as usual after a refusal', async () => {
    await send('POST', '/webhooks/whatsapp', Buffer.alloc(11 * 1024 * 1024, 0x61));
    const res = await send('POST', '/webhooks/whatsapp', Buffer.from('{}'));
    // Reached the handler: unsigned, so 401 with its reason.
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error).toMatch(/X-Hub-Signature-256/i);
  });
});
