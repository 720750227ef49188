// `npm start` and `npx wa send` as separate processes, over HTTP only: the local runner with the Graph sandbox
// (no WHATSAPP_ACCESS_TOKEN), a customer simulated through signed webhooks, the CLI sending, and the sandbox's
// status webhooks moving the message to delivered and read.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedRequest, textDelivery } from '../../lib/local/meta-payloads.js';

const run = promisify(execFile);
const secrets = {
  WHATSAPP_APP_SECRET: 'send-e2e-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'send-e2e-verify-token',
  ADMIN_TOKEN: 'send-e2e-admin-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242923',
};
const dataDir = mkdtempSync(join(tmpdir(), 'wa-send-e2e-'));
let port = 0;
let child: ChildProcess | undefined;
let output = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port: p } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return p;
}

/** The user's environment without a real token: local mode must pick the sandbox. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...secrets, POWERTOOLS_LOG_LEVEL: 'WARN', NODE_NO_WARNINGS: '1' };
  delete env.WHATSAPP_ACCESS_TOKEN;
  delete env.GRAPH_BASE_URL;
  return env;
}

beforeAll(async () => {
  port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    env: { ...childEnv(), PORT: String(port), DATA_DIR: dataDir, GRAPH_SANDBOX_STATUS_DELAY_MS: '100' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  await new Promise<void>((ok, fail) => {
    const timer = setInterval(() => {
      if (output.includes('Ctrl-C stops')) {
        clearInterval(timer);
        ok();
      }
    }, 50);
    proc.once('exit', (code) => {
      clearInterval(timer);
      fail(new Error(`local runner exited with ${code}:\n${output}`));
    });
  });
}, 90_000);

afterAll(async () => {
  const proc = child;
  if (proc && proc.exitCode === null) {
    const exited = new Promise((ok) => proc.once('exit', ok));
    proc.kill('SIGINT');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const url = (path: string) => `http://127.0.0.1:${port}${path}`;

async function wa(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'bin/wa.ts', 'send', '--api', url(''), ...args], { env: childEnv() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function customerWrites(waId: string, text: string, when = new Date()): Promise<string> {
  const built = textDelivery({ phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID, waId, name: 'Customer', text, timestamp: when });
  const req = signedRequest(built.delivery, secrets.WHATSAPP_APP_SECRET);
  const res = await fetch(url('/webhooks/whatsapp'), { method: 'POST', headers: req.headers, body: new Uint8Array(req.body) });
  expect(res.status).toBe(200);
  return built.messageId;
}

async function adminGet(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(url(path), { headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}` } });
  return (await res.json()) as Record<string, unknown>;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('wa send against npm start with the Graph sandbox', () => {
  it('says in the banner that the sandbox and the queues run', () => {
    expect(output).toMatch(/graph\s+http:\/\/127\.0\.0\.1:\d+ \(Graph sandbox/);
    expect(output).toMatch(/consumer\s+sender polls outbound/);
  });

  it('returns a wamid whose status moves to delivered, then read, in order', async () => {
    await customerWrites('996555000111', 'hello');
    const sent = await wa('--to', '+996 555 000 111', '--text', 'Thanks for writing!', '--json');
    expect(sent.code).toBe(0);
    const { id, status } = JSON.parse(sent.stdout) as { id: string; status: string };
    expect(id).toMatch(/^wamid\./);
    expect(status).toBe('accepted');
    const read = await waitFor(async () => {
      const m = await adminGet(`/messages/${encodeURIComponent(id)}`);
      return m['status'] === 'read' ? m : undefined;
    });
    expect((read['statuses'] as { status: string }[]).map((s) => s.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
    expect(read).toMatchObject({ direction: 'out', type: 'text', text: 'Thanks for writing!', contactId: '996555000111' });
  }, 60_000);

  it('--wait follows the status until read', async () => {
    await customerWrites('996555000112', 'hi');
    const sent = await wa('--to', '+996555000112', '--text', 'watch this', '--wait');
    expect(sent.code).toBe(0);
    const lines = sent.stdout.trim().split('\n').map((l) => l.split(' ')[1]);
    expect(lines).toEqual(['accepted', 'sent', 'delivered', 'read']);
  }, 60_000);

  it('refuses free-form text to a customer silent for 25 hours with the hint, and sends the template', async () => {
    await customerWrites('996555000113', 'old message', new Date(Date.now() - 25 * 3600_000));
    const text = await wa('--to', '+996555000113', '--text', 'anyone?');
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/409/);
    expect(text.stderr).toMatch(/hint: .*template/);
    const template = await wa('--to', '+996555000113', '--template', 'hello_world', '--lang', 'ru', '--param', 'Aigul');
    expect(template.code).toBe(0);
    expect(template.stdout).toMatch(/^wamid\.\S+ accepted$/m);
  }, 60_000);

  it('sends once for the same --idempotency-key', async () => {
    await customerWrites('996555000114', 'hi');
    const first = await wa('--to', '+996555000114', '--text', 'once', '--idempotency-key', 'e2e-once', '--json');
    const second = await wa('--to', '+996555000114', '--text', 'once', '--idempotency-key', 'e2e-once', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
    const list = await adminGet('/contacts/996555000114/messages');
    expect((list['items'] as { direction: string }[]).filter((m) => m.direction === 'out')).toHaveLength(1);
  }, 60_000);

  it('the bot answers /start and /помощь in the customer’s language', async () => {
    await customerWrites('14155550199', '/start');
    await customerWrites('79160000199', '/помощь');
    const replyOf = (contact: string) =>
      waitFor(async () => {
        const list = await adminGet(`/contacts/${contact}/messages`);
        return (list['items'] as { direction: string; text?: string }[]).find((m) => m.direction === 'out');
      });
    expect((await replyOf('14155550199')).text).toMatch(/^Hello, Customer!/);
    expect((await replyOf('79160000199')).text).toMatch(/^Что я умею:/);
  }, 60_000);
});
